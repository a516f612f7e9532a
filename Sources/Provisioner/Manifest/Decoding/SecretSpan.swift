/// Where a `secret` value sits in a manifest, so a diagnostic's source line
/// never shows it: from `column` on `line`, and the following lines of a
/// multi-line scalar, are replaced by `<redacted>`.
struct SecretSpan: Hashable {
    var file: String
    var line: Int
    var column: Int
    /// Lines covered, counted from `line` (generous for block scalars).
    var lineCount: Int

    /// `text` (line `number` of `file`) with the secret masked, or unchanged.
    func mask(_ text: String, file other: String, line number: Int) -> String {
        guard other == file, number >= line, number < line + lineCount else { return text }
        if number == line {
            let kept = text.unicodeScalars.prefix(max(0, column - 1))
            return String(String.UnicodeScalarView(kept)) + "<redacted>"
        }
        let indent = text.unicodeScalars.prefix { $0 == " " }
        return String(String.UnicodeScalarView(indent)) + "<redacted>"
    }
}
