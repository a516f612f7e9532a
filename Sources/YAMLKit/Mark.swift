/// A position in YAML source text, 1-based like a compiler's.
///
/// libyaml counts from zero; every `Mark` YAMLKit hands out has already been
/// converted so it can be printed as `file:line:column` without adjustment.
/// Stored as two 32-bit numbers: every scalar carries two marks, and a large
/// manifest has hundreds of thousands of scalars.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    private var storedLine: UInt32
    private var storedColumn: UInt32

    /// The 1-based line number.
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    /// The 1-based column, counted in Unicode scalars.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    /// Creates a mark from 1-based line and column numbers (clamped to 0...4294967295).
    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// Earlier in the file: by line, then by column.
    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
    }
}
