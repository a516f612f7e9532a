/// A JSON value, enough to declare the schema; `JSONEncoder` writes it.
indirect enum SchemaValue: Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral
{
    case object([(String, SchemaValue)])
    case array([SchemaValue])
    case string(String)
    case integer(Int)
    case boolean(Bool)

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .boolean(value) }
    init(arrayLiteral elements: SchemaValue...) { self = .array(elements) }

    /// Encodes objects as JSON objects (members keyed by name), arrays,
    /// strings, numbers and booleans as themselves.
    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .boolean(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (name, value) in members { try container.encode(value, forKey: MemberKey(name)) }
        }
    }

    /// A member name of a schema object.
    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// `.object([...])` from key-value pairs, keeping their order.
func object(_ members: KeyValuePairs<String, SchemaValue>) -> SchemaValue {
    .object(members.map { ($0.key, $0.value) })
}

/// A `$ref` to a definition under `$defs`.
func reference(_ name: String, _ description: String? = nil) -> SchemaValue {
    var members: [(String, SchemaValue)] = [("$ref", .string("#/$defs/\(name)"))]
    if let description { members.append(("description", .string(description))) }
    return .object(members)
}
