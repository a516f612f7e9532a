/// The canonical names of the values an output can carry, and their renaming through `keys:`.
///
/// `keys: {access_token: TOKEN}` replaces the written name: the JSON member,
/// the Secret `data` key, or, for env files, the part after the prefix
/// (`<PREFIX>TOKEN`), so aggregate env files stay unique per client.
/// `keys: {expires_at: ~}` leaves the key out of the output altogether.
package enum OutputKey: String, Sendable, CaseIterable {
    /// The access token itself.
    case accessToken = "access_token"
    /// `Bearer` or `DPoP`.
    case tokenType = "token_type"
    /// Lifetime in seconds as the server said (JSON only).
    case expiresIn = "expires_in"
    /// Expiry time, RFC 3339 UTC.
    case expiresAt = "expires_at"
    /// The granted scope.
    case scope = "scope"
    /// The issuer identifier (JSON only; an annotation in Secrets).
    case issuer = "issuer"
    /// The OAuth client id (JSON only; an annotation in Secrets).
    case clientID = "client_id"

    /// Whether `spec` writes this key at all (`keys: {expires_at: ~}` drops it).
    func isWritten(in spec: OutputSpec) -> Bool {
        spec.droppedKeys.isEmpty || !spec.droppedKeys.contains(self)
    }

    /// The name to write for this key: the renamed one, or the canonical name.
    func name(in spec: OutputSpec) -> String {
        spec.keys[rawValue] ?? rawValue
    }

    /// The env name after the prefix: the renamed one, or the canonical name upper-cased.
    func envName(in spec: OutputSpec) -> String {
        if !spec.keys.isEmpty, let renamed = spec.keys[rawValue] { return renamed }
        switch self {
        case .accessToken: return "ACCESS_TOKEN"
        case .tokenType: return "TOKEN_TYPE"
        case .expiresIn: return "EXPIRES_IN"
        case .expiresAt: return "EXPIRES_AT"
        case .scope: return "SCOPE"
        case .issuer: return "ISSUER"
        case .clientID: return "CLIENT_ID"
        }
    }

    /// Refuses a `keys:` entry whose canonical key is unknown.
    static func checkRenames(_ context: OutputContext) throws(OutputError) {
        for key in context.spec.keys.keys.sorted() where OutputKey(rawValue: key) == nil {
            let known = OutputKey.allCases.map(\.rawValue).joined(separator: ", ")
            throw context.error(.unknownKey, "`keys` renames `\(key)`, which tokensmith does not write", hint: "use one of: \(known)")
        }
    }
}
