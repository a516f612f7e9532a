/// The version of this library, sent in `User-Agent: tokensmith/<version>`.
public enum OAuthClientVersion {
    /// The version string.
    public static let current = "0.1.0"
}
