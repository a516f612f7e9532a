/// How one env value is written for each flavour, or why it cannot be.
///
/// A value made only of `[A-Za-z0-9._~+/=:-]` (every JWT and opaque token seen
/// in practice) is written bare and reads the same for every reader. Others:
///
/// - docker: `--env-file` keeps quotes as part of the value and has no
///   escapes or multi-line values, so the value is refused.
/// - shell: single-quoted, `'` written as `'\''`; bash reads any byte but NUL
///   back exactly. A bare `~` would be tilde-expanded in an assignment, so a
///   value holding one is quoted too.
/// - dotenv (python-dotenv 1.x): single-quoted with `\` as `\\` and `'` as
///   `\'`, the two escapes it decodes there. Refused: a CR (the file is read in
///   text mode, which turns it into LF), `${NAME}` or `${NAME:-default}`
///   (interpolated even inside single quotes, with no escape for `$`), and a
///   trailing backslash (its quoted-value pattern then runs past the closing
///   quote into the next line).
///
/// NUL is refused by every flavour: no environment can hold it.
enum EnvValueQuoting {
    /// Why a value cannot be written, as a phrase for the error message.
    struct Refusal: Error {
        var code: OutputError.Code
        var reason: String
        var hint: String
    }

    /// The bytes to write after `KEY=`.
    static func encode(_ value: String, flavor: EnvOptions.Flavor) throws(Refusal) -> [UInt8] {
        let utf8 = Array(value.utf8)
        if utf8.contains(0) {
            throw Refusal(
                code: .unrepresentableEnvValue, reason: "contains a NUL character, which no environment variable can hold",
                hint: "use a json or kubernetes_secret output for this value")
        }
        let bare = utf8.allSatisfy(isSafe)
        switch flavor {
        case .docker:
            if bare { return utf8 }
            throw Refusal(
                code: .unsafeEnvValue,
                reason: "contains \(describeFirstUnsafe(utf8)); docker --env-file cannot carry it (it keeps quotes and has no escapes)",
                hint: "use flavor: shell or dotenv")
        case .shell:
            if bare, !utf8.contains(UInt8(ascii: "~")) { return utf8 }
            return shellQuoted(utf8)
        case .dotenv:
            if bare { return utf8 }
            try checkDotenv(utf8)
            return dotenvQuoted(utf8)
        }
    }

    /// `[A-Za-z0-9._~+/=:-]`.
    static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func describeFirstUnsafe(_ utf8: [UInt8]) -> String {
        guard let byte = utf8.first(where: { !isSafe($0) }) else { return "nothing unsafe" }
        switch byte {
        case UInt8(ascii: " "): return "a space"
        case UInt8(ascii: "\t"): return "a tab"
        case UInt8(ascii: "\n"): return "a newline"
        case UInt8(ascii: "\r"): return "a carriage return"
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return "a quote"
        case UInt8(ascii: "$"): return "a `$`"
        case UInt8(ascii: "\\"): return "a backslash"
        case UInt8(ascii: "#"): return "a `#`"
        case 0x80...: return "a non-ASCII character"
        case 0..<0x20, 0x7F: return "a control character"
        default: return "the character `\(Character(Unicode.Scalar(byte)))`"
        }
    }

    private static func shellQuoted(_ utf8: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(utf8.count + 8)
        for byte in utf8 {
            if byte == UInt8(ascii: "'") {
                out.append(contentsOf: Array("'\\''".utf8))
            } else {
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "'"))
        return out
    }

    private static func dotenvQuoted(_ utf8: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(utf8.count + 8)
        for byte in utf8 {
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "'"))
        return out
    }

    private static func checkDotenv(_ utf8: [UInt8]) throws(Refusal) {
        let hint = "use flavor: shell, or a json or kubernetes_secret output for this value"
        if utf8.contains(UInt8(ascii: "\r")) {
            throw Refusal(
                code: .unrepresentableEnvValue,
                reason: "contains a carriage return, which python-dotenv reads back as a newline", hint: hint)
        }
        if utf8.last == UInt8(ascii: "\\") {
            throw Refusal(
                code: .unrepresentableEnvValue,
                reason: "ends with a backslash, which python-dotenv 1.x misreads inside quotes", hint: hint)
        }
        if containsInterpolation(utf8) {
            throw Refusal(
                code: .unrepresentableEnvValue,
                reason: "contains `${…}`, which python-dotenv expands even inside single quotes", hint: hint)
        }
    }

    /// Whether python-dotenv's pattern `\$\{[^}:]*(:-[^}]*)?\}` matches anywhere.
    static func containsInterpolation(_ utf8: [UInt8]) -> Bool {
        let dollar = UInt8(ascii: "$"), open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        let colon = UInt8(ascii: ":"), dash = UInt8(ascii: "-")
        var index = 0
        while index + 1 < utf8.count {
            defer { index += 1 }
            guard utf8[index] == dollar, utf8[index + 1] == open else { continue }
            var cursor = index + 2
            while cursor < utf8.count, utf8[cursor] != close, utf8[cursor] != colon { cursor += 1 }
            guard cursor < utf8.count else { return false }
            if utf8[cursor] == close { return true }
            guard cursor + 1 < utf8.count, utf8[cursor + 1] == dash else { continue }
            cursor += 2
            while cursor < utf8.count, utf8[cursor] != close { cursor += 1 }
            if cursor < utf8.count { return true }
        }
        return false
    }
}
