/// A value that must never be printed: client secrets (from a manifest, an
/// environment variable or a file), private keys, tokens.
///
/// `description`, `debugDescription` and `dump` all show `<redacted>`, so a
/// configuration or manifest model can be logged or inspected in a debugger
/// without leaking; the value is only reachable through ``value``, read only
/// where it is used.
public struct Redacted<Value: Sendable>: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The wrapped value; read it only where it is used, and never log it.
    public let value: Value

    /// Wraps a sensitive value.
    public init(_ value: Value) {
        self.value = value
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children, so `dump` prints `<redacted>` only.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: nil) }
}

/// Equal when the wrapped values are, so models holding a secret stay comparable.
extension Redacted: Equatable where Value: Equatable {}

/// Hashes the wrapped value, so models holding a secret stay hashable.
extension Redacted: Hashable where Value: Hashable {}
