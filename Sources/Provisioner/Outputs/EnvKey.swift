/// The env name rules, in one place: the keys tokensmith writes to env files
/// (checked by the decoder for `prefix` and `keys`, by the env writer and its
/// preflight, and stated as a pattern in the JSON Schema), and the variable
/// names a manifest may reference as `${NAME}`.
enum EnvKey {
    /// The keys tokensmith writes: upper-case, as the message and the schema spell it.
    static let pattern = "[A-Z_][A-Z0-9_]*"

    /// The variables a manifest may reference: any case, as a shell reads them.
    static let variablePattern = "[A-Za-z_][A-Za-z0-9_]*"

    /// Whether `key` matches ``pattern``.
    static func isValid(_ key: String) -> Bool {
        matches(key, lowerCase: false)
    }

    /// Whether `name` matches ``variablePattern``.
    static func isVariableName(_ name: String) -> Bool {
        matches(name, lowerCase: true)
    }

    /// Non-empty; letters (upper-case, or either case), digits and `_`; no digit first.
    private static func matches(_ text: String, lowerCase: Bool) -> Bool {
        guard let first = text.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
            case UInt8(ascii: "a")...UInt8(ascii: "z"): lowerCase
            default: false
            }
        }
    }
}
