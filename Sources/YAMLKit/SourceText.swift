/// Line lookups over the raw input, for caret displays and byte-offset marks.
///
/// Lines break where libyaml's marks break them: LF, CR LF, a lone CR, NEL
/// (U+0085), LS (U+2028) and PS (U+2029). Splitting on LF alone would show the
/// wrong source line (and mask the wrong one) for a file with any of the others.
public struct SourceText: Sendable {
    let bytes: [UInt8]
    /// Where each line's text starts and ends (the end excludes its break).
    private let lineStarts: [Int]
    private let lineEnds: [Int]

    /// Indexes the lines of `bytes`.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var ends: [Int] = []
        var index = 0
        while index < bytes.count {
            let width = Self.breakWidth(bytes, at: index)
            if width > 0 {
                ends.append(index)
                index += width
                starts.append(index)
            } else {
                index += 1
            }
        }
        ends.append(bytes.count)
        lineStarts = starts
        lineEnds = ends
    }

    /// The length of the line break at `index`, or 0.
    private static func breakWidth(_ bytes: [UInt8], at index: Int) -> Int {
        switch bytes[index] {
        case UInt8(ascii: "\n"):
            return 1
        case UInt8(ascii: "\r"):
            return index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") ? 2 : 1
        case 0xC2:
            return index + 1 < bytes.count && bytes[index + 1] == 0x85 ? 2 : 0
        case 0xE2:
            return index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) ? 3 : 0
        default:
            return 0
        }
    }

    /// The number of lines.
    public var lineCount: Int { lineStarts.count }

    /// The text of 1-based `line` without its line break or BOM; nil past the end.
    /// NUL bytes show as `?`.
    public func line(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        var start = lineStarts[line - 1]
        let end = lineEnds[line - 1]
        if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = min(3, end) }
        let slice = bytes[start..<end].map { $0 == 0 ? UInt8(ascii: "?") : $0 }
        return String(decoding: slice, as: UTF8.self)
    }

    /// The nearest line above 1-based `line` whose leading run of spaces and
    /// `-` (after a BOM on line 1) is shorter than `limit`, or nil when none is.
    ///
    /// A byte-level scan: walking up from each of 10,000 sibling lines by
    /// decoding every line above it made diagnostics quadratic in the file.
    public func nearestLine(above line: Int, indentedLessThan limit: Int) -> Int? {
        var current = min(line, lineStarts.count + 1) - 1
        while current >= 1 {
            var index = lineStarts[current - 1]
            let end = lineEnds[current - 1]
            if current == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = min(3, end) }
            var count = 0
            while index < end, count < limit, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "-") {
                count += 1
                index += 1
            }
            if count < limit { return current }
            current -= 1
        }
        return nil
    }

    /// The 1-based mark of a byte offset, counting columns in Unicode scalars.
    func mark(ofByteOffset offset: Int) -> Mark {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        var start = lineStarts[low]
        if low == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]), clamped >= 3 { start = 3 }
        // Count scalar starts (bytes that are not UTF-8 continuation bytes).
        let column = bytes[start..<clamped].reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
        return Mark(line: low + 1, column: column + 1)
    }

    /// The character at a mark, if any (for hints like "tabs are not allowed").
    func character(at mark: Mark) -> Character? {
        guard let text = line(mark.line) else { return nil }
        let scalars = Array(text.unicodeScalars)
        guard mark.column >= 1, mark.column <= scalars.count else { return nil }
        return Character(scalars[mark.column - 1])
    }
}
