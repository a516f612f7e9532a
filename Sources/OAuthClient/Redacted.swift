/// A value that must never be printed: secrets, private keys, tokens.
///
/// `description`, `debugDescription` and `dump` all show `<redacted>`, so a
/// configuration can be logged or inspected in a debugger without leaking.
public struct Redacted<Value: Sendable>: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The wrapped value; read it only where it is used.
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
