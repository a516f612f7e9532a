/// An error starting the issuer or reading its configuration, with a message a person can act on.
///
/// One struct rather than an enum so new cases do not break callers (the
/// async-http-client habit); the message never contains a secret or key material.
public struct LocalIssuerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to change.
    public var message: String

    /// Creates an error with a message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
