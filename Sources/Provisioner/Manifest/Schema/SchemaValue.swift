/// A JSON value with ordered object members, enough to write the schema readably.
indirect enum SchemaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    case object([(String, SchemaValue)])
    case array([SchemaValue])
    case string(String)
    case integer(Int)
    case boolean(Bool)

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .boolean(value) }
    init(arrayLiteral elements: SchemaValue...) { self = .array(elements) }

    /// Pretty-printed JSON, two-space indent, members in the order given.
    func rendered(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let text): return JSONText.quoted(text)
        case .integer(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .string = $0 { true } else if case .integer = $0 { true } else { false } }) {
                return "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { inner + JSONText.quoted($0.0) + ": " + $0.1.rendered(indent: inner) }.joined(separator: ",\n")
                + "\n" + indent + "}"
        }
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
