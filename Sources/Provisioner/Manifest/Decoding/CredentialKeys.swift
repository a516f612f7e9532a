/// Which manifest keys hold credentials, decided by the key's shape rather than
/// a list of spellings, so that a value under a misspelt key (`client_secret`,
/// `pasword`, `secert`, `apiKey`) is as hidden in a diagnostic as one under
/// `secret`.
///
/// Two rules, applied wherever a diagnostic shows a source line:
/// - every value under a key that looks like a credential (one of ``words``,
///   case-insensitive, or a near miss of one by the distance the "did you
///   mean" hints use) is hidden, except under keys known to hold no secret
///   (the manifest's own keys spelt right, paths ending in `_file`, the
///   output names under `keys`);
/// - every value inside an `auth` mapping (or one under a key that looks like
///   `auth`, such as a template `basic-auth`) is hidden, except those of the
///   keys in ``publicAuthKeys`` and the `*_file` paths.
package enum CredentialKeys {
    /// The words that make a key a credential's, compared without case and separators.
    package static let words = ["secret", "password", "passwd", "pwd", "token", "credential", "private", "apikey"]

    /// Keys inside `auth` whose values are not secret.
    package static let publicAuthKeys: Set<String> = ["method", "alg", "kid", "audience", "x5t_sha1"]

    /// Every key the manifest knows outside `auth`, spelt right: none holds a
    /// secret (`token_endpoint`, `kubernetes_secret`, `allow_insecure_http` look
    /// like credentials to the shape rule). `secret` and `auth` are not in it;
    /// `proxy`, whose URL may hold a password, is a secret before this is consulted.
    static let knownKeys: Set<String> = Set(
        FileDecoder.topLevelKeys + FileDecoder.defaultsKeys + FileDecoder.retryKeys + FileDecoder.issuerKeys
            + FileDecoder.clientKeys + FileDecoder.dpopKeys + FileDecoder.outputKeys
    ).subtracting(["secret", "auth"])

    /// What a key says about the value under it.
    package enum Role: Equatable, Sendable {
        /// The value may be a secret: hide it.
        case secret
        /// The value is an `auth`-like mapping: hide what it holds but its package keys.
        case auth
        /// Nothing special.
        case plain
    }

    /// The role of `key`, found in a mapping under `parentKey`, inside an `auth` mapping or not.
    package static func role(of key: String, parentKey: String?, insideAuth: Bool) -> Role {
        if key.hasSuffix("_file") || parentKey == "keys" { return .plain }
        // The keys of `issuers` are names the user chose: an issuer called
        // `auth0` is not a misspelt `auth` (its public settings stay visible,
        // and its keys get their own roles below it).
        if parentKey == "issuers", !insideAuth { return .plain }
        if insideAuth { return publicAuthKeys.contains(key) ? .plain : .secret }
        if key == "auth" { return .auth }
        // A proxy URL may hold a user name and password.
        if key == "proxy" { return .secret }
        if knownKeys.contains(key) { return .plain }
        if looksLikeCredential(key) { return .secret }
        if looksLikeAuth(key) { return .auth }
        return .plain
    }

    /// True for keys like `secret`, `client_secret`, `clientSecret`, `PASSWORD`,
    /// `api-key`, `secert`, `pasword`, `tokn`.
    package static func looksLikeCredential(_ key: String) -> Bool {
        let parts = components(of: key)
        let joined = parts.joined()
        if words.contains(where: { joined.contains($0) }) { return true }
        if Suggestions.closest(to: joined, among: words) != nil { return true }
        if parts.contains(where: { Suggestions.closest(to: $0, among: words) != nil }) { return true }
        let letters = Array(joined.unicodeScalars)
        return words.contains { containsNearMiss(of: $0, in: letters) }
    }

    /// Whether some stretch of `letters` is within the hint distance of `word`
    /// (`zecret` in `clientzecret`, `privte` in `priv_te_key` once joined).
    private static func containsNearMiss(of word: String, in letters: [Unicode.Scalar]) -> Bool {
        let length = word.unicodeScalars.count
        let limit = min(3, max(1, length / 3))
        for size in max(2, length - limit)...(length + limit) where size <= letters.count {
            for start in 0...(letters.count - size) {
                let stretch = String(String.UnicodeScalarView(letters[start..<(start + size)]))
                if Suggestions.editDistance(stretch, word) <= limit { return true }
            }
        }
        return false
    }

    /// True for `auth`, `Auth`, `auht`, `oauth`, `basic-auth`, `authentication`.
    package static func looksLikeAuth(_ key: String) -> Bool {
        let parts = components(of: key)
        if parts.contains(where: { $0.hasPrefix("auth") || $0.hasSuffix("auth") }) { return true }
        return parts.contains { Suggestions.closest(to: $0, among: ["auth"]) != nil }
    }

    /// `secret` or `secret_file`: what an unknown credential-like key in `auth` most likely meant.
    static func suggestion(for key: String) -> String {
        let parts = components(of: key)
        return parts.last == "file" || parts.last == "path" ? "secret_file" : "secret"
    }

    /// Lower-cased words of a key, split at separators and at camel-case humps.
    static func components(of key: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var previousWasLower = false
        for scalar in key.unicodeScalars {
            let isUpper = scalar.properties.isUppercase
            let isLetterOrDigit = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            if !isLetterOrDigit || (isUpper && previousWasLower) {
                if !current.isEmpty { parts.append(current) }
                current = ""
            }
            if isLetterOrDigit { current.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars) }
            previousWasLower = isLetterOrDigit && !isUpper
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }
}
