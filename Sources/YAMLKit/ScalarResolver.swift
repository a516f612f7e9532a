/// The type a plain scalar resolves to.
public enum ResolvedScalar: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int
    case float
    case string

    /// "a string", "a number", … for messages.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .float: "a number"
        case .string: "a string"
        }
    }
}

/// Resolution of plain scalars, and the emitter's test for strings that must be quoted.
public enum ScalarResolver {
    /// Resolves a plain scalar under the YAML 1.2 core schema.
    public static func coreSchema(_ text: String) -> ResolvedScalar {
        guard let first = text.utf8.first else { return .null }
        // The special spellings are at most five bytes and start with one of
        // a few characters; most scalars (names, URLs, paths) are not compared
        // with each of them (this runs for every plain scalar of a manifest).
        if text.utf8.count <= 5, startsSpecialSpelling(first) {
            switch text {
            case "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                ".nan", ".NaN", ".NAN":
                return .float
            default: break
            }
        }
        // Numbers start with a digit, a sign or a dot; most scalars do not,
        // and are strings without looking further.
        guard isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        else { return .string }
        let bytes = Array(text.utf8)
        if isInteger(bytes) { return .int }
        if isFloat(bytes) { return .float }
        return .string
    }

    /// Whether a string would read back as something other than that string
    /// under YAML 1.2 core or YAML 1.1 (which libyaml-based readers such as
    /// PyYAML and Go's yaml.v2 still apply: `yes`, `no`, `on`, `off`, `0123`,
    /// `1_000`, `12:30` sexagesimals, …). Such strings must be quoted.
    public static func needsQuoting(_ text: String) -> Bool {
        if coreSchema(text) != .string { return true }
        switch text.lowercased() {
        case "y", "n", "yes", "no", "on", "off", "=", "<<": return true
        default: break
        }
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return true }
        if first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ") { return true }
        // YAML 1.1 numbers: underscores, sexagesimal, leading dot, binary.
        if isTimestamp(bytes) { return true }
        let numberish = bytes.allSatisfy { isDigit($0) || "+-._:eE0xXoObB".utf8.contains($0) || isHexLetter($0) }
        if numberish && bytes.contains(where: isDigit) { return true }
        return false
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Whether `byte` starts one of the null, boolean, infinity and NaN spellings.
    private static func startsSpecialSpelling(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
            UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// YAML 1.1 timestamps (`2026-11-26`, `2026-11-26T18:00:00Z`, `2001-12-14 21:59:43.10 -5`):
    /// `YYYY-M-D` at the start, then the end or a `T`, `t` or space. PyYAML
    /// and other 1.1 readers turn these into dates, so they must be quoted.
    private static func isTimestamp(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func digits(_ minimum: Int, _ maximum: Int) -> Bool {
            var count = 0
            while index < bytes.count, isDigit(bytes[index]), count < maximum { index += 1; count += 1 }
            return count >= minimum
        }
        guard digits(4, 4), index < bytes.count, bytes[index] == UInt8(ascii: "-") else { return false }
        index += 1
        guard digits(1, 2), index < bytes.count, bytes[index] == UInt8(ascii: "-") else { return false }
        index += 1
        guard digits(1, 2) else { return false }
        return index == bytes.count || "Tt ".utf8.contains(bytes[index])
    }
    private static func isHexLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    private static func isInteger(_ bytes: [UInt8]) -> Bool {
        var body = bytes[...]
        if body.first == UInt8(ascii: "-") || body.first == UInt8(ascii: "+") { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        if body.count > 2, body.first == UInt8(ascii: "0") {
            let marker = body[body.startIndex + 1]
            let digits = body.dropFirst(2)
            if marker == UInt8(ascii: "o") && bytes.first != UInt8(ascii: "-") && bytes.first != UInt8(ascii: "+") {
                return digits.allSatisfy { $0 >= 0x30 && $0 <= 0x37 }
            }
            if marker == UInt8(ascii: "x") && bytes.first != UInt8(ascii: "-") && bytes.first != UInt8(ascii: "+") {
                return digits.allSatisfy { isDigit($0) || isHexLetter($0) }
            }
        }
        return body.allSatisfy(isDigit)
    }

    private static func isFloat(_ bytes: [UInt8]) -> Bool {
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        var index = 0
        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
        if peek() == UInt8(ascii: "-") || peek() == UInt8(ascii: "+") { index += 1 }
        var mantissaDigits = 0
        while let byte = peek(), isDigit(byte) { index += 1; mantissaDigits += 1 }
        if peek() == UInt8(ascii: ".") {
            index += 1
            while let byte = peek(), isDigit(byte) { index += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "-") || peek() == UInt8(ascii: "+") { index += 1 }
            var exponentDigits = 0
            while let byte = peek(), isDigit(byte) { index += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return index == bytes.count
    }
}
