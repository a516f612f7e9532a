/// A client secret read from the manifest, an environment variable or a file.
///
/// `description`, `debugDescription` and `dump` all print `<redacted>`, so a
/// manifest model can be logged or inspected without leaking; the value is only
/// reachable through ``revealedValue``, a name that stands out in review.
package struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: String

    /// Wraps a secret value.
    package init(_ value: String) {
        storage = value
    }

    /// The secret itself; pass it straight to the code that needs it and never log it.
    package var revealedValue: String { storage }

    /// Whether the secret is the empty string.
    package var isEmpty: Bool { storage.isEmpty }

    /// A hex SHA-256 of the secret, for fingerprints that must change when the secret does.
    package var sha256Hex: String { SHA256Digest.hex(of: Array(storage.utf8)) }

    /// Always `<redacted>`.
    package var description: String { "<redacted>" }

    /// Always `<redacted>`.
    package var debugDescription: String { "<redacted>" }

    /// A mirror without children, so `dump` shows nothing but the type.
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: nil) }
}

/// Where a client secret came from; used for warnings and for the cache fingerprint.
package enum SecretSource: Sendable, Hashable {
    /// Written literally in the manifest.
    case literal
    /// Taken from environment variables (`${VAR}` in the `secret` value).
    case environment
    /// Read from a file (`secret_file`), by absolute path.
    case file(String)
}
