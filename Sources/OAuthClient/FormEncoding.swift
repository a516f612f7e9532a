/// `application/x-www-form-urlencoded` encoding as the token endpoint expects it.
///
/// For the client credentials of `client_secret_basic` everything but ASCII
/// letters and digits is percent-encoded and a space becomes `+`: RFC 6749
/// Appendix B, plus the reference's (oauth4webapi) escaping of
/// `- _ . ! ~ * ' ( )`, so servers that decode strictly agree with it.
public enum FormEncoding {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Form-urlencodes one name or value.
    ///
    /// `client %&+-_.!~*'()` becomes `client+%25%26%2B%2D%5F%2E%21%7E%2A%27%28%29`.
    public static func encode(_ string: String) -> String {
        var out: [UInt8] = []
        append(string, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the form-urlencoded bytes of `string` to `out`.
    ///
    /// With `strict` (client credentials in the Basic header) only letters and
    /// digits stay as they are; otherwise `* - . _` do too, as the WHATWG
    /// `application/x-www-form-urlencoded` serializer (and so the reference's body) leaves them.
    static func append(_ string: String, to out: inout [UInt8], strict: Bool = true) {
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            case UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                if strict { appendEscaped(byte, to: &out) } else { out.append(byte) }
            default:
                appendEscaped(byte, to: &out)
            }
        }
    }

    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "%"))
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0x0F)])
    }

    /// Encodes name/value pairs in order, joined by `&`, as a request body.
    static func encode(pairs: some Sequence<(String, String)>, into out: inout [UInt8]) {
        for (name, value) in pairs {
            if !out.isEmpty { out.append(UInt8(ascii: "&")) }
            append(name, to: &out, strict: false)
            out.append(UInt8(ascii: "="))
            append(value, to: &out, strict: false)
        }
    }
}
