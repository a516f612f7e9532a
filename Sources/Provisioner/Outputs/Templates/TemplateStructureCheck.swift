/// Refuses what a templated output cannot use: partials (`{{> name}}`) and
/// template inheritance (`{{< parent}}`, `{{$ block}}`) would render as
/// nothing, since templates are single files, and so would a dotted name
/// (`{{access_token.value}}`): every value is a single string or number.
///
/// Looks at tags with the standard `{{ }}` delimiters only: after a
/// set-delimiter tag, the rest of the template is left to the parser.
enum TemplateStructureCheck {
    static func problems(in text: String, origin: TemplateOrigin) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        var line = 1
        var column = 1
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.first {
            if scalar == "{", scalars.dropFirst().first == "{" {
                let tag = scalars.dropFirst(2).drop { $0 == "{" || $0 == " " || $0 == "\t" }
                switch tag.first {
                case "=":
                    return problems
                case ">", "<", "$":
                    problems.append(
                        TemplateProblem(
                            place: origin.place(line: line, column: column),
                            message: "partials and template inheritance ({{> …}}, {{< …}}, {{$ …}}) are not supported; "
                                + "put the text in this template"))
                case "!":
                    break
                default:
                    if let dotted = dottedName(in: tag) {
                        problems.append(
                            TemplateProblem(
                                place: origin.place(line: line, column: column),
                                message: "`\(dotted)` names a member of a value, but every value is a single string or number; "
                                    + "write the name alone"))
                    }
                }
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            scalars = scalars.dropFirst()
        }
        return problems
    }

    /// The name of a tag when it has a `.` beyond the lone `{{.}}`.
    private static func dottedName(in tag: Substring.UnicodeScalarView) -> String? {
        var content = ""
        for scalar in tag {
            if scalar == "}" { break }
            content.unicodeScalars.append(scalar)
        }
        var name = Substring(content.trimmingWhitespace)
        if let sigil = name.first, "#^/&".contains(sigil) { name = name.dropFirst() }
        // Inside filters: `json(base64(a.b))` names `a.b`.
        if let open = name.lastIndex(of: "(") { name = name[name.index(after: open)...] }
        name = name.prefix { $0 != ")" }
        let trimmed = String(name).trimmingWhitespace
        guard trimmed != ".", trimmed.contains(".") else { return nil }
        return trimmed
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
