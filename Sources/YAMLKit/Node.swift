/// A YAML node: a scalar, a sequence or a mapping, with its source position.
///
/// Nodes are plain values (`Sendable`, no references into libyaml), so a parsed
/// document can cross tasks freely. Aliases are already resolved and merge keys
/// (`<<`) already applied when a document comes out of ``YAMLParser``.
///
/// Equality is semantic: marks and quoting style are ignored, except that a
/// plain scalar is compared by the type it resolves to, so plain `true` (a
/// boolean) differs from quoted `"true"` (a string).
public enum Node: Sendable, Equatable, CustomStringConvertible {
    case scalar(Scalar)
    case sequence(Sequence)
    case mapping(Mapping)

    /// Where the node starts in the source, or `Mark(line: 0, column: 0)` for
    /// nodes built in code.
    public var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .sequence(let sequence): sequence.mark
        case .mapping(let mapping): mapping.mark
        }
    }

    /// The explicit tag (for example `!!str`), if the source gave one.
    public var tag: String? {
        switch self {
        case .scalar(let scalar): scalar.tag
        case .sequence(let sequence): sequence.tag
        case .mapping(let mapping): mapping.tag
        }
    }

    /// A short name of the node's kind for messages: "a string", "a list", "a mapping".
    public var kindDescription: String {
        switch self {
        case .scalar(let scalar): scalar.resolved.description
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The scalar payload, or nil for collections.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The sequence payload, or nil for other kinds.
    public var sequence: Sequence? {
        if case .sequence(let sequence) = self { return sequence }
        return nil
    }

    /// The mapping payload, or nil for other kinds.
    public var mapping: Mapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    /// A compact, YAML-like rendering for debugging and test failures.
    public var description: String {
        switch self {
        case .scalar(let scalar): scalar.style == .plain ? scalar.value : "\"\(scalar.value)\""
        case .sequence(let sequence): "[" + sequence.items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let mapping):
            "{" + mapping.pairs.map { "\($0.key.description): \($0.value.description)" }.joined(separator: ", ") + "}"
        }
    }

    /// A string scalar built in code; the emitter quotes it whenever it would
    /// otherwise read back as another type.
    public static func string(_ value: String) -> Node {
        .scalar(Scalar(value, style: .any))
    }

    /// A mapping of string keys built in code, in the given order.
    public static func mapping(_ pairs: KeyValuePairs<String, Node>) -> Node {
        .mapping(Mapping(pairs: pairs.map { Mapping.Pair(key: .string($0.key), value: $0.value) }))
    }

    /// A sequence built in code.
    public static func sequence(_ items: [Node]) -> Node {
        .sequence(Sequence(items: items))
    }
}
