/// Line lookups over the raw input, for caret displays and byte-offset marks.
struct SourceText: Sendable {
    let bytes: [UInt8]
    private let lineStarts: [Int]

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    /// The text of 1-based `line` without its line break, BOM or CR; nil past the end.
    func line(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        var start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = min(3, end) }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let slice = bytes[start..<end].map { $0 == 0 ? UInt8(ascii: "?") : $0 }
        return String(decoding: slice, as: UTF8.self)
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
