import Mustache

/// Finds the names and filters a template uses that have no value, by
/// rendering it twice with stand-in values that record every lookup: once with
/// every value present (so `{{#scope}}` blocks are entered) and once with
/// every value missing (so `{{^scope}}` blocks are). A typo must never render
/// an empty token.
///
/// A name is looked up in the innermost section's value first and then
/// outwards; it is unknown when the outermost context is asked for it and has
/// no value of that name.
enum TemplateNameCheck {
    static func problems(of template: OutputTemplate) -> [TemplateProblem] {
        let recorder = LookupRecorder()
        for present in [true, false] {
            let root: Any =
                switch template.scope {
                case .perClient: ProbeScope(names: TemplateContext.clientNames, present: present, isRoot: true, recorder: recorder)
                case .aggregate: ProbeRoot(present: present, recorder: recorder)
                }
            _ = template.render(probe: root)
        }
        return recorder.problems(template: template)
    }
}

/// Collects the unknown names and filters a probe render met, in order.
private final class LookupRecorder {
    enum Finding: Hashable {
        case unknownName(String, clientNameOutsideList: Bool)
        case unknownFilter(String)
    }

    var findings: [Finding] = []

    func record(_ finding: Finding) {
        if !findings.contains(finding) { findings.append(finding) }
    }

    func problems(template: OutputTemplate) -> [TemplateProblem] {
        findings.map { finding in
            switch finding {
            case .unknownName(let name, let outside):
                let hint =
                    outside
                    ? ". In an aggregate template a client's values are inside {{#clients}}…{{/clients}}"
                    : ". The names are \(names(for: template.scope))"
                return TemplateProblem(
                    place: place(of: name, in: template),
                    message: "unknown name `\(name)`\(Suggestions.hint(for: name, among: allNames(for: template.scope)))\(hint)")
            case .unknownFilter(let filter):
                return TemplateProblem(
                    place: place(of: filter + "(", in: template),
                    message:
                        "unknown filter `\(filter)`\(Suggestions.hint(for: filter, among: TemplateValue.filterNames)). The filters are \(TemplateValue.filterNames.joined(separator: ", "))"
                )
            }
        }
    }

    private func allNames(for scope: OutputScope) -> [String] {
        scope == .perClient ? TemplateContext.clientNames : TemplateContext.clientNames + [TemplateContext.clientsName]
    }

    private func names(for scope: OutputScope) -> String {
        switch scope {
        case .perClient: TemplateContext.clientNames.joined(separator: ", ")
        case .aggregate: "clients, and inside it " + TemplateContext.clientNames.joined(separator: ", ")
        }
    }

    /// The first place in the template text where `word` appears inside a tag.
    private func place(of word: String, in template: OutputTemplate) -> String {
        var line = 1
        var column = 1
        var insideTag = false
        var index = template.text.startIndex
        while index < template.text.endIndex {
            let rest = template.text[index...]
            if rest.hasPrefix("{{") { insideTag = true }
            if rest.hasPrefix("}}") { insideTag = false }
            if insideTag, rest.hasPrefix(word), isBoundary(before: index, in: template.text),
                word.hasSuffix("(") || isBoundary(after: template.text.index(index, offsetBy: word.count), in: template.text)
            {
                return template.origin.place(line: line, column: column)
            }
            if template.text[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index = template.text.index(after: index)
        }
        return template.origin.place(line: 1, column: 1)
    }

    private func isBoundary(before index: String.Index, in text: String) -> Bool {
        guard index > text.startIndex else { return true }
        return !isNameCharacter(text[text.index(before: index)])
    }

    private func isBoundary(after index: String.Index, in text: String) -> Bool {
        guard index < text.endIndex else { return true }
        return !isNameCharacter(text[index])
    }

    private func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "."
    }
}

/// The outermost context of an aggregate template: only `clients`.
private struct ProbeRoot: MustacheParent {
    let present: Bool
    let recorder: LookupRecorder

    func child(named name: String) -> Any? {
        if name == TemplateContext.clientsName {
            return [ProbeScope(names: TemplateContext.clientNames, present: present, isRoot: false, recorder: recorder)]
        }
        recorder.record(.unknownName(name, clientNameOutsideList: TemplateContext.clientNames.contains(name)))
        return nil
    }
}

/// One client's values, as stand-ins.
private struct ProbeScope: MustacheParent {
    let names: [String]
    let present: Bool
    let isRoot: Bool
    let recorder: LookupRecorder

    func child(named name: String) -> Any? {
        if names.contains(name) {
            return ProbeValue(present: present, recorder: recorder)
        }
        if isRoot { recorder.record(.unknownName(name, clientNameOutsideList: false)) }
        return nil
    }
}

/// A stand-in value: records the filters applied to it. Like
/// ``TemplateValue`` it shows no members, so a name inside a section over it
/// is looked up in the enclosing contexts.
private struct ProbeValue: MustacheTransformable, MustacheCustomRenderable, CustomReflectable {
    let present: Bool
    let recorder: LookupRecorder

    func transform(_ filter: String) -> Any? {
        guard TemplateFilter(rawValue: filter) != nil else {
            recorder.record(.unknownFilter(filter))
            return nil
        }
        return self
    }

    var renderText: String { present ? "value" : "" }
    var isNull: Bool { !present }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
