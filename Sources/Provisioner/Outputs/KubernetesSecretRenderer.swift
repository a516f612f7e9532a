import struct Foundation.Data
import YAMLKit

/// Renders Kubernetes `v1` `Secret` manifests through libyaml's emitter.
///
/// Each Secret: `apiVersion: v1`, `kind: Secret`, `type` (`Opaque` unless set), `metadata`
/// (name, namespace when set, labels with `app.kubernetes.io/managed-by:
/// tokensmith` plus the user's, annotations `tokensmith.dev/expires-at`,
/// `tokensmith.dev/issuer`, `tokensmith.dev/client-id` plus the user's; never
/// the token), and `data` with base64 values under `access_token`,
/// `token_type`, `expires_at` and `scope` (the last two when known; all
/// renamable through `keys`, and left out when `keys` drops them), then the
/// templated keys of `data:` rendered for the client, in manifest order. User
/// labels and annotations are sorted by key; a user entry with one of
/// tokensmith's keys replaces tokensmith's value.
///
/// Per client one document named `name` (default: the client name); aggregate
/// one document per client, sorted by client name, each named the client name
/// with `name` as a prefix when given, separated by `---`. Every Kubernetes
/// naming rule and the 1 MiB size limit are checked before anything is
/// returned, each with its own ``OutputError/Code``.
package enum KubernetesSecretRenderer {
    /// The label every Secret carries, so tokensmith's Secrets can be selected.
    package static let managedByLabel = "app.kubernetes.io/managed-by"
    /// The annotation holding the expiry time (RFC 3339 UTC).
    package static let expiresAtAnnotation = "tokensmith.dev/expires-at"
    /// The annotation holding the issuer identifier.
    package static let issuerAnnotation = "tokensmith.dev/issuer"
    /// The annotation holding the OAuth client id.
    package static let clientIDAnnotation = "tokensmith.dev/client-id"
    /// Kubernetes refuses a Secret of 1 MiB or more.
    package static let maximumSecretBytes = 1 << 20
    /// Kubernetes refuses annotations whose keys and values add up to more than 256 KiB.
    package static let maximumAnnotationBytes = 256 << 10

    /// One client's Secret, one document.
    package static func render(_ token: IssuedToken, spec: OutputSpec, options: KubernetesSecretOptions) throws(OutputError) -> [UInt8] {
        let context = OutputContext(spec: spec, client: token.clientName)
        return try document(token, name: options.name ?? token.clientName, options: options, context: context)
    }

    /// One Secret per client, sorted by client name, `---` before each when there are several.
    package static func render(_ tokens: [IssuedToken], spec: OutputSpec, options: KubernetesSecretOptions) throws(OutputError) -> [UInt8] {
        let sorted = tokens.sorted { $0.clientName < $1.clientName }
        var out: [UInt8] = []
        for token in sorted {
            let context = OutputContext(spec: spec, client: token.clientName)
            let bytes = try document(token, name: (options.name ?? "") + token.clientName, options: options, context: context)
            if sorted.count > 1 { out.append(contentsOf: Array("---\n".utf8)) }
            out.append(contentsOf: bytes)
        }
        return out
    }

    private static func document(_ token: IssuedToken, name: String, options: KubernetesSecretOptions, context: OutputContext)
        throws(OutputError) -> [UInt8]
    {
        try OutputKey.checkRenames(context)
        if let problem = KubernetesNames.subdomainProblem(name) {
            throw context.error(
                .invalidSecretName, "the Secret name `\(name)` \(problem) (Kubernetes DNS-1123 subdomain)",
                hint: "set `name:` to a valid name")
        }
        var metadata: [Node.Mapping.Pair] = [pair("name", name)]
        if let namespace = options.namespace {
            if let problem = KubernetesNames.labelNameProblem(namespace) {
                throw context.error(
                    .invalidNamespace, "the namespace `\(namespace)` \(problem) (Kubernetes DNS-1123 label)",
                    hint: "set `namespace:` to a valid namespace name")
            }
            metadata.append(pair("namespace", namespace))
        }
        metadata.append(Node.Mapping.Pair(key: .string("labels"), value: try labels(options.labels, context: context)))
        metadata.append(
            Node.Mapping.Pair(key: .string("annotations"), value: try annotations(token, options.annotations, context: context)))

        var data: [Node.Mapping.Pair] = []
        var fields: [(OutputKey, String)] = [(.accessToken, token.accessToken), (.tokenType, token.tokenType)]
        if let expiresAt = token.expiresAt { fields.append((.expiresAt, RFC3339.string(from: expiresAt))) }
        if let scope = token.scope { fields.append((.scope, scope)) }
        var seen: Set<String> = []
        for (key, value) in fields where key.isWritten(in: context.spec) {
            let dataKey = key.name(in: context.spec)
            if let problem = KubernetesNames.dataKeyProblem(dataKey) {
                throw context.error(
                    .invalidDataKey, "the data key `\(dataKey)` (for \(key.rawValue)) \(problem)",
                    hint: "rename it in `keys` to letters, digits, `-`, `.` and `_`")
            }
            guard seen.insert(dataKey).inserted else {
                throw context.error(
                    .duplicateKey, "the data key `\(dataKey)` would be written twice",
                    hint: "give every renamed key in `keys` a distinct name")
            }
            data.append(pair(dataKey, Data(value.utf8).base64EncodedString()))
        }
        for entry in options.data {
            guard seen.insert(entry.key).inserted else {
                throw context.error(
                    .duplicateKey, "the templated data key `\(entry.key)` would be written twice",
                    hint: "rename the templated key, or rename or drop the standard key with `keys`")
            }
            let value = try TemplateRenderer.checked(entry.template.render(token), template: entry.template, context: context)
            data.append(pair(entry.key, Data(value.utf8).base64EncodedString()))
        }

        let secret: Node = .mapping(
            Node.Mapping(pairs: [
                pair("apiVersion", "v1"),
                pair("kind", "Secret"),
                pair("type", options.type),
                Node.Mapping.Pair(key: .string("metadata"), value: .mapping(Node.Mapping(pairs: metadata))),
                Node.Mapping.Pair(key: .string("data"), value: .mapping(Node.Mapping(pairs: data))),
            ]))
        let text: String
        do {
            text = try YAMLEmitter().emit(secret)
        } catch {
            throw context.error(.emitterFailed, "the YAML emitter failed: \(error.message)", hint: "report this as a tokensmith bug")
        }
        let bytes = Array(text.utf8)
        guard bytes.count < maximumSecretBytes else {
            throw context.error(
                .secretTooLarge, "the Secret would be \(bytes.count) bytes; Kubernetes allows less than 1 MiB",
                hint: "drop large annotations or labels, or check the token's size")
        }
        return bytes
    }

    /// `metadata.labels`: tokensmith's label and the user's, each checked.
    static func labels(_ user: [String: String], context: OutputContext) throws(OutputError) -> Node {
        var pairs: [(String, String)] = [(managedByLabel, "tokensmith")]
        merge(user, into: &pairs)
        for (key, value) in pairs {
            if let problem = KubernetesNames.qualifiedNameProblem(key) {
                throw context.error(.invalidLabel, "the label key `\(key)` \(problem)", hint: "fix the key under `labels:`")
            }
            if let problem = KubernetesNames.labelValueProblem(value) {
                throw context.error(.invalidLabel, "the value of label `\(key)` \(problem)", hint: "fix the value under `labels:`")
            }
        }
        return .mapping(Node.Mapping(pairs: pairs.map { pair($0.0, $0.1) }))
    }

    private static func annotations(_ token: IssuedToken, _ user: [String: String], context: OutputContext) throws(OutputError) -> Node {
        var pairs: [(String, String)] = []
        if let expiresAt = token.expiresAt { pairs.append((expiresAtAnnotation, RFC3339.string(from: expiresAt))) }
        pairs.append((issuerAnnotation, token.issuer))
        pairs.append((clientIDAnnotation, token.clientID))
        merge(user, into: &pairs)
        return .mapping(Node.Mapping(pairs: try checkedAnnotations(pairs, context: context).map { pair($0.0, $0.1) }))
    }

    /// The annotations, once every key is a qualified name and they fit
    /// Kubernetes' size limit; with the user's alone, what the manifest decides.
    static func checkedAnnotations(_ pairs: [(String, String)], context: OutputContext) throws(OutputError) -> [(String, String)] {
        var total = 0
        for (key, value) in pairs {
            if let problem = KubernetesNames.qualifiedNameProblem(key) {
                throw context.error(.invalidAnnotation, "the annotation key `\(key)` \(problem)", hint: "fix the key under `annotations:`")
            }
            total += key.utf8.count + value.utf8.count
        }
        guard total <= maximumAnnotationBytes else {
            throw context.error(
                .invalidAnnotation, "the annotations add up to \(total) bytes; Kubernetes allows 262144",
                hint: "shorten the values under `annotations:`")
        }
        return pairs
    }

    /// Adds user entries sorted by key; one with an existing key replaces its value.
    private static func merge(_ user: [String: String], into pairs: inout [(String, String)]) {
        for key in user.keys.sorted() {
            let value = user[key] ?? ""
            if let index = pairs.firstIndex(where: { $0.0 == key }) {
                pairs[index].1 = value
            } else {
                pairs.append((key, value))
            }
        }
    }

    private static func pair(_ key: String, _ value: String) -> Node.Mapping.Pair {
        Node.Mapping.Pair(key: .string(key), value: string(value))
    }

    /// A string node that every YAML reader reads back as that string.
    ///
    /// The emitter quotes what YAML 1.2 would read as another type; YAML 1.1
    /// readers (PyYAML, hence kubernetes-validate and many CI tools) also turn
    /// plain `2026-11-26T18:00:00Z` or `2026-11-26` into dates and `1:30` into
    /// a number, so any value starting with a digit is double-quoted as well.
    private static func string(_ value: String) -> Node {
        guard let first = value.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return .string(value) }
        return .scalar(Node.Scalar(value, style: .doubleQuoted))
    }
}
