/// Appends JSON string literals to a byte buffer, by hand.
///
/// Escapes `"`, `\` and every control character below U+0020 (the short forms
/// `\b \f \n \r \t`, `\u00XX` for the rest); everything else, non-ASCII
/// included, is copied as UTF-8. Also escapes U+2028/U+2029 so the output is
/// safe to embed in JavaScript. No allocation per character.
enum JSONText {
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20, 0x2028, 0x2029:
                let code = Int(scalar.value)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), hex[code >> 12], hex[(code >> 8) & 0xF], hex[(code >> 4) & 0xF], hex[code & 0xF]])
            case 0x20..<0x80:
                out.append(UInt8(scalar.value))
            default:
                out.append(contentsOf: String(Character(scalar)).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    static func appendIndent(_ level: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }
}
