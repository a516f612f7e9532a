/// Pull-style reading of one JSON document, for callers that decode straight
/// into their own types: no ``JSONValue`` tree is built and freed (a
/// 10,000-entry state file is read on every cron run).
///
/// The grammar and limits are those of ``JSONValue/init(parsing:)``.
package struct JSONReader {
    /// What the next value is, without reading it.
    package enum Kind: Sendable {
        case object, array, string, number, bool, null

        /// "object", "string", …: for messages.
        package var name: String {
            switch self {
            case .object: "object"
            case .array: "array"
            case .string: "string"
            case .number: "number"
            case .bool: "boolean"
            case .null: "null"
            }
        }
    }

    private var parser: JSONParser

    /// A reader over `bytes`; a UTF-8 byte order mark is skipped.
    package init(bytes: [UInt8]) {
        parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
    }

    /// The kind of the next value; throws at the end of input or on a byte no value starts with.
    package mutating func peek() throws(JSONParseError) -> Kind {
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.fail("unexpected end of input") }
        switch parser.bytes[parser.index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw parser.fail("unexpected character")
        }
    }

    /// Reads an object; `member` is called with each name and must read or
    /// skip its value. Throws ``JSONParseError`` or what `member` throws.
    package mutating func readObject(_ member: (inout JSONReader, String) throws -> Void) throws {
        guard try peek() == .object else { throw parser.fail("expected an object") }
        try parser.enter()
        parser.index += 1
        parser.skipWhitespace()
        if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "}") {
            parser.index += 1
            parser.depth -= 1
            return
        }
        while true {
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
                throw parser.fail("expected a member name")
            }
            let name = try parser.parseString()
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
                throw parser.fail("expected ':'")
            }
            parser.index += 1
            try member(&self, name)
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count else { throw parser.fail("unexpected end of input") }
            if parser.bytes[parser.index] == UInt8(ascii: ",") {
                parser.index += 1
            } else if parser.bytes[parser.index] == UInt8(ascii: "}") {
                parser.index += 1
                parser.depth -= 1
                return
            } else {
                throw parser.fail("expected ',' or '}'")
            }
        }
    }

    /// Reads a string value.
    package mutating func readString() throws(JSONParseError) -> String {
        guard try peek() == .string else { throw parser.fail("expected a string") }
        return try parser.parseString()
    }

    /// Reads a number value.
    package mutating func readNumber() throws(JSONParseError) -> Double {
        guard try peek() == .number else { throw parser.fail("expected a number") }
        return try parser.parseNumber()
    }

    /// Reads and discards the next value, whatever it is.
    package mutating func skipValue() throws(JSONParseError) {
        parser.skipWhitespace()
        _ = try parser.parseValue()
    }

    /// Checks that nothing but whitespace follows the document.
    package mutating func finish() throws(JSONParseError) {
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.fail("unexpected data after the JSON value") }
    }
}
