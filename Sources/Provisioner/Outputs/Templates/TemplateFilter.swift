import struct Foundation.Data

/// The escaping filters of templated outputs, each producing text its
/// format's reader reads back as exactly the original value.
package enum TemplateFilter: String, Sendable, CaseIterable {
    /// A JSON string literal, quotes included: `"a\"b"`.
    case json
    /// A POSIX shell word in single quotes: `'it'\''s'`.
    case shell
    /// A YAML double-quoted scalar, quotes included.
    case yaml
    /// Standard base64 (RFC 4648 §4) of the UTF-8 bytes, with padding.
    case base64
    /// Percent-encoding of every byte but RFC 3986's unreserved characters.
    case urlencode

    /// `text` escaped for this filter's format.
    package func apply(to text: String) -> String {
        switch self {
        case .json: Self.jsonString(text)
        case .shell: Self.shellWord(text)
        case .yaml: Self.yamlDoubleQuoted(text)
        case .base64: Data(text.utf8).base64EncodedString()
        case .urlencode: Self.percentEncoded(text)
        }
    }

    /// The JSON writer every output uses.
    private static func jsonString(_ text: String) -> String {
        var out: [UInt8] = []
        JSONText.appendString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Single quotes around the text, each `'` in it written `'\\''`. Scalar by
    /// scalar: a `'` followed by a combining mark is one `Character` (and one
    /// composed sequence for Foundation's search), but the shell sees the quote.
    private static func shellWord(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            if scalar == "'" {
                out.unicodeScalars.append(contentsOf: "'\\''".unicodeScalars)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append("'")
        return out
    }

    /// YAML 1.1 and 1.2 readers agree on a double-quoted scalar whose
    /// control characters, line breaks and non-printables are escaped.
    private static func yamlDoubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{85}": out += "\\N"
            case "\u{A0}": out += "\\_"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            case "\u{FEFF}": out += "\\uFEFF"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0xD800...0xDFFF).contains(scalar.value)
                    || scalar.value == 0xFFFE || scalar.value == 0xFFFF
                {
                    out += hexEscape(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private static func percentEncoded(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
