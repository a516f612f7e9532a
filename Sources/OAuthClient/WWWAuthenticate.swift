/// One challenge of a `WWW-Authenticate` header (RFC 7235 §4.1).
public struct WWWAuthenticateChallenge: Sendable, Hashable, CustomStringConvertible {
    /// The authentication scheme, lower-cased (`bearer`, `dpop`, `basic`).
    public let scheme: String
    /// The auth-params; names lower-cased, quoted values unescaped.
    public let parameters: [String: String]
    /// The token68 form (`Basic abc==`), when the challenge uses it instead of parameters.
    public let token68: String?

    /// Builds a challenge.
    public init(scheme: String, parameters: [String: String] = [:], token68: String? = nil) {
        self.scheme = scheme.lowercased()
        self.parameters = parameters
        self.token68 = token68
    }

    /// The challenge rendered back, parameters sorted by name.
    public var description: String {
        if let token68 { return "\(scheme) \(token68)" }
        if parameters.isEmpty { return scheme }
        let rendered = parameters.keys.sorted().map { key in
            let value = parameters[key]!.replacingBackslashAndQuote()
            return "\(key)=\"\(value)\""
        }
        return scheme + " " + rendered.joined(separator: ", ")
    }

    /// Parses a `WWW-Authenticate` field value that may hold several challenges.
    ///
    /// Returns nil when the value is not a well-formed challenge list.
    public static func parse(_ header: String) -> [WWWAuthenticateChallenge]? {
        var parser = ChallengeParser(Array(header.utf8))
        return parser.parse()
    }

    /// Parses every `WWW-Authenticate` header value of an answer; nil when none parses.
    static func parse(headers values: [String]) -> [WWWAuthenticateChallenge]? {
        var all: [WWWAuthenticateChallenge] = []
        for value in values {
            guard let parsed = parse(value) else { return nil }
            all.append(contentsOf: parsed)
        }
        return all.isEmpty ? nil : all
    }
}

extension String {
    /// Escapes by Unicode scalar, as the parser reads bytes: by `Character`,
    /// a backslash after a prepending mark (U+06DD, say) joined one grapheme
    /// with it and went out unescaped.
    fileprivate func replacingBackslashAndQuote() -> String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == "\\" || scalar == "\"" { out.append("\\") }
            out.append(scalar)
        }
        return String(out)
    }
}

/// RFC 7235 grammar:
///
///     challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
///     auth-param  = token BWS "=" BWS ( token / quoted-string )
///     token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
private struct ChallengeParser {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func isToken68Char(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("-._~+/".utf8).contains(byte)
        }
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipOWS() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    mutating func skipOWSAndCommas() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == UInt8(ascii: ",") { index += 1 }
    }

    mutating func readToken() -> String? {
        let start = index
        while index < bytes.count, Self.isTokenChar(bytes[index]) { index += 1 }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    mutating func readQuotedString() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { return nil }
            }
            out.append(bytes[index])
            index += 1
        }
        return nil
    }

    /// Reads a token68 if one stands here and is followed by the end or a comma.
    mutating func readToken68() -> String? {
        let start = index
        while index < bytes.count, Self.isToken68Char(bytes[index]) { index += 1 }
        guard index > start else { return nil }
        while index < bytes.count, bytes[index] == UInt8(ascii: "=") { index += 1 }
        let end = index
        skipOWS()
        if atEnd || bytes[index] == UInt8(ascii: ",") {
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        index = start
        return nil
    }

    /// True when an auth-param (`token BWS "="`) starts here; does not move.
    func paramStartsHere() -> Bool {
        var probe = index
        let start = probe
        while probe < bytes.count, Self.isTokenChar(bytes[probe]) { probe += 1 }
        guard probe > start else { return false }
        while probe < bytes.count, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
        guard probe < bytes.count, bytes[probe] == UInt8(ascii: "=") else { return false }
        // `a==` is token68 padding, not a parameter.
        return !(probe + 1 < bytes.count && bytes[probe + 1] == UInt8(ascii: "="))
    }

    mutating func parse() -> [WWWAuthenticateChallenge]? {
        var challenges: [WWWAuthenticateChallenge] = []
        skipOWSAndCommas()
        while !atEnd {
            guard let scheme = readToken() else { return nil }
            var parameters: [String: String] = [:]
            var token68: String?
            let hadSpace = index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09)
            skipOWS()
            if atEnd || bytes[index] == UInt8(ascii: ",") {
                // A scheme without parameters.
            } else {
                guard hadSpace else { return nil }
                if !paramStartsHere() {
                    guard let value = readToken68() else { return nil }
                    token68 = value
                } else {
                    while true {
                        guard let name = readToken() else { return nil }
                        skipOWS()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return nil }
                        index += 1
                        skipOWS()
                        let value: String
                        if let quoted = readQuotedString() {
                            value = quoted
                        } else if let plain = readToken() {
                            value = plain
                        } else {
                            return nil
                        }
                        let key = name.lowercased()
                        guard parameters[key] == nil else { return nil }
                        parameters[key] = value
                        skipOWS()
                        if atEnd { break }
                        guard bytes[index] == UInt8(ascii: ",") else { return nil }
                        // Another parameter of this challenge, or the next challenge?
                        let afterComma = index
                        skipOWSAndCommas()
                        if atEnd { break }
                        if paramStartsHere() { continue }
                        index = afterComma
                        break
                    }
                }
            }
            challenges.append(WWWAuthenticateChallenge(scheme: scheme, parameters: parameters, token68: token68))
            skipOWSAndCommas()
        }
        return challenges.isEmpty ? nil : challenges
    }
}
