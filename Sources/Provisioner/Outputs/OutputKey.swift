/// The canonical names of the values an output can carry, and their renaming through `keys:`.
///
/// `keys: {access_token: TOKEN}` replaces the written name: the JSON member,
/// the Secret `data` key, or, for env files, the part after the prefix
/// (`<PREFIX>TOKEN`), so aggregate env files stay unique per client.
public enum OutputKey: String, Sendable, CaseIterable {
    case accessToken = "access_token"
    case tokenType = "token_type"
    case expiresIn = "expires_in"
    case expiresAt = "expires_at"
    case scope = "scope"
    case issuer = "issuer"
    case clientID = "client_id"

    /// The name to write for this key: the renamed one, or the canonical name.
    func name(in spec: OutputSpec) -> String {
        spec.keys[rawValue] ?? rawValue
    }

    /// The env name after the prefix: the renamed one, or the canonical name upper-cased.
    func envName(in spec: OutputSpec) -> String {
        spec.keys[rawValue] ?? rawValue.uppercased()
    }

    /// Refuses a `keys:` entry whose canonical key is unknown.
    static func checkRenames(_ context: OutputContext) throws(OutputError) {
        for key in context.spec.keys.keys.sorted() where OutputKey(rawValue: key) == nil {
            let known = OutputKey.allCases.map(\.rawValue).joined(separator: ", ")
            throw context.error(.unknownKey, "`keys` renames `\(key)`, which tokensmith does not write", hint: "use one of: \(known)")
        }
    }
}
