import Mustache

/// A parsed Mustache template of a templated output or a templated Secret key.
///
/// Rendered by swift-mustache with no HTML escaping: `{{access_token}}` writes
/// the token as it is; the filters of ``TemplateFilter`` escape for a format.
/// Built only through ``OutputTemplate/parse(_:origin:scope:)``, which refuses
/// syntax errors, unknown names and filters, partials and blocks, so every
/// name a template uses has a value.
package struct OutputTemplate: Sendable, Hashable {
    /// Where the template came from: the source file, or the manifest place of an inline template.
    package let origin: TemplateOrigin
    /// The template text as written.
    package let text: String
    /// What the template sees: one client, or the `clients` list.
    package let scope: OutputScope
    private let template: MustacheTemplate

    /// The pragma that turns HTML escaping off, put before the template's first line.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    private init(origin: TemplateOrigin, text: String, scope: OutputScope, template: MustacheTemplate) {
        self.origin = origin
        self.text = text
        self.scope = scope
        self.template = template
    }

    /// Parses and checks `text`; each problem names its place in the template.
    package static func parse(_ text: String, origin: TemplateOrigin, scope: OutputScope) -> Result<OutputTemplate, TemplateProblems> {
        let structure = TemplateStructureCheck.problems(in: text, origin: origin)
        if !structure.isEmpty { return .failure(TemplateProblems(structure)) }
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: textPragma + text)
        } catch let error as MustacheTemplate.ParserError {
            let context = error.context
            let column = context.lineNumber == 1 ? max(1, context.columnNumber - textPragma.count) : context.columnNumber
            return .failure(
                TemplateProblems([
                    TemplateProblem(
                        place: origin.place(line: context.lineNumber, column: column),
                        message: "the template does not parse: \(TemplateProblem.describe(error.error))")
                ]))
        } catch {
            return .failure(
                TemplateProblems([TemplateProblem(place: origin.place(line: 1, column: 1), message: "the template does not parse")]))
        }
        let parsed = OutputTemplate(origin: origin, text: text, scope: scope, template: template)
        let problems = TemplateNameCheck.problems(of: parsed)
        return problems.isEmpty ? .success(parsed) : .failure(TemplateProblems(problems))
    }

    /// Renders one client's token (a per-client template).
    package func render(_ token: IssuedToken) -> String {
        template.render(TemplateContext.perClient(token))
    }

    /// Renders every client's token (an aggregate template).
    package func render(_ tokens: [IssuedToken]) -> String {
        template.render(TemplateContext.aggregate(tokens))
    }

    /// Renders `object` as the context, for the name check.
    func render(probe object: Any) -> String {
        template.render(object)
    }

    package static func == (lhs: OutputTemplate, rhs: OutputTemplate) -> Bool {
        lhs.origin == rhs.origin && lhs.text == rhs.text && lhs.scope == rhs.scope
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(origin)
        hasher.combine(text)
        hasher.combine(scope)
    }
}

/// Where a template's text is: a file, or inline in the manifest.
package enum TemplateOrigin: Sendable, Hashable, CustomStringConvertible {
    /// A `source:` file, by absolute path.
    case file(String)
    /// A string in the manifest, by the place its value starts
    /// (`file:line:column`); positions within it are given as template lines
    /// and columns.
    case inline(SourceLocation)

    /// The file, or the manifest place.
    package var description: String {
        switch self {
        case .file(let path): path
        case .inline(let location): location.description
        }
    }

    /// `file:line:column` of a place in the template text.
    func place(line: Int, column: Int) -> String {
        switch self {
        case .file(let path): "\(path):\(line):\(column)"
        case .inline(let location): "\(location) (template line \(line), column \(column))"
        }
    }
}

/// One thing wrong with a template, at its place.
package struct TemplateProblem: Sendable, Hashable, CustomStringConvertible {
    /// `file:line:column` in the template.
    package var place: String
    /// What is wrong and what to do.
    package var message: String

    /// `place: message`.
    package var description: String { "\(place): \(message)" }

    static func describe(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: "a section is closed with another name than it was opened with"
        case .unfinishedName?: "a tag is not closed (missing }})"
        case .expectedSectionEnd?: "a section is never closed ({{/name}} missing)"
        case .invalidSetDelimiter?: "a set-delimiter tag is malformed"
        case .invalidConfigVariableSyntax?, .unrecognisedConfigVariable?: "a {{% …}} pragma is malformed or unknown"
        case .transformAppliedToInheritanceSection?, .illegalTokenInsideInheritSection?, .textInsideInheritSection?:
            "template inheritance is malformed (and not supported here)"
        case nil: "\(error)"
        }
    }
}

/// Every problem of one template.
package struct TemplateProblems: Error, Sendable {
    /// The problems, in template order.
    package var problems: [TemplateProblem]

    init(_ problems: [TemplateProblem]) { self.problems = problems }
}
