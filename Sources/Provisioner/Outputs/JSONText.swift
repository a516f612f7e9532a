/// Appends JSON string literals to a byte buffer, by hand.
///
/// Escapes `"`, `\` and every control character below U+0020 (the short forms
/// `\b \f \n \r \t`, `\u00XX` for the rest); everything else, non-ASCII
/// included, is copied as UTF-8. Also escapes U+2028/U+2029 so the output is
/// safe to embed in JavaScript. No allocation per character.
enum JSONText {
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let escape: [UInt8]?
                if byte == 0x22 || byte == 0x5C || byte < 0x20 {
                    escape = escaped(byte)
                } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                    bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
                {
                    // U+2028 / U+2029: valid JSON, but line breaks to JavaScript.
                    escape = Array((bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                } else {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                out.append(contentsOf: escape!)
                index += byte == 0xE2 ? 3 : 1
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func escaped(_ byte: UInt8) -> [UInt8] {
        switch byte {
        case 0x22: [0x5C, 0x22]
        case 0x5C: [0x5C, 0x5C]
        case 0x08: [0x5C, UInt8(ascii: "b")]
        case 0x0C: [0x5C, UInt8(ascii: "f")]
        case 0x0A: [0x5C, UInt8(ascii: "n")]
        case 0x0D: [0x5C, UInt8(ascii: "r")]
        case 0x09: [0x5C, UInt8(ascii: "t")]
        default: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
    }

    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    static func appendIndent(_ level: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }
}
