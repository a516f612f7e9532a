/// A problem in YAML input, reported like a compiler diagnostic.
///
/// `description` reads `file:line:column: error: message`, followed by the
/// offending source line and a caret under the column, and any notes (for
/// example where a duplicated key was first defined).
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name given to the parser (used only for messages).
    public var file: String
    /// Where the problem is.
    public var mark: Mark
    /// What is wrong, as a sentence without the location.
    public var message: String
    /// Further lines, for example "note: first defined at 3:5".
    public var notes: [String]
    /// The source line at `mark`, when known, for the caret display.
    public var sourceLine: String?

    /// Creates an error.
    public init(file: String, mark: Mark, message: String, notes: [String] = [], sourceLine: String? = nil) {
        self.file = file
        self.mark = mark
        self.message = message
        self.notes = notes
        self.sourceLine = sourceLine
    }

    /// The first line alone: `file:line:column: error: message`.
    public var summary: String { "\(file):\(mark.line):\(mark.column): error: \(message)" }

    /// The full compiler-style rendering with source line, caret and notes.
    public var description: String {
        var lines = [summary]
        if let sourceLine {
            lines.append(sourceLine)
            lines.append(Self.caret(under: sourceLine, column: mark.column))
        }
        lines.append(contentsOf: notes.map { "\(file): note: \($0)" })
        return lines.joined(separator: "\n")
    }

    /// A caret line that lines up with `column` in `line`, keeping tabs so the
    /// caret sits under the right character in a terminal.
    static func caret(under line: String, column: Int) -> String {
        var prefix = ""
        for (index, character) in line.unicodeScalars.enumerated() where index < column - 1 {
            prefix.append(character == "\t" ? "\t" : " ")
        }
        return prefix + "^"
    }
}
