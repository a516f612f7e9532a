/// Why an output could not be rendered or written: which client, which output
/// (path and manifest origin), what is wrong and what to do.
///
/// Messages name keys, rules and character classes but never contain a token
/// or any other output value, so they are safe to log.
package struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; a struct with static members so codes can be added later.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }

        /// An env key does not match `[A-Z_][A-Z0-9_]*`.
        package static let invalidEnvKey = Code("invalid-env-key")
        /// A value the docker flavour cannot carry (space, newline, quote, …).
        package static let unsafeEnvValue = Code("unsafe-env-value")
        /// A value no quoting of the chosen flavour reads back exactly (NUL, CR, `${…}` for dotenv).
        package static let unrepresentableEnvValue = Code("unrepresentable-env-value")
        /// Two entries of one output would get the same key.
        package static let duplicateKey = Code("duplicate-key")
        /// `keys:` renames a key tokensmith does not know.
        package static let unknownKey = Code("unknown-key")
        /// `metadata.name` is not a DNS-1123 subdomain.
        package static let invalidSecretName = Code("invalid-secret-name")
        /// `metadata.namespace` is not a DNS-1123 label.
        package static let invalidNamespace = Code("invalid-namespace")
        /// A Secret `data` key breaks Kubernetes' key rules.
        package static let invalidDataKey = Code("invalid-data-key")
        /// A label key or value breaks Kubernetes' label rules.
        package static let invalidLabel = Code("invalid-label")
        /// An annotation key breaks Kubernetes' rules, or annotations are too large.
        package static let invalidAnnotation = Code("invalid-annotation")
        /// The Secret would reach Kubernetes' 1 MiB limit.
        package static let secretTooLarge = Code("secret-too-large")
        /// libyaml refused to emit the manifest.
        package static let emitterFailed = Code("emitter-failed")
        /// A rendered template holds what no reader of a text file takes (a NUL byte).
        package static let unrepresentableValue = Code("unrepresentable-value")
        /// Two outputs of one run target the same file.
        package static let duplicatePath = Code("duplicate-path")
        /// The file could not be written; see ``OutputError/reason``.
        package static let writeFailed = Code("write-failed")

        /// The code's stable name, for logs and tests.
        package var description: String { raw }
    }

    /// The kind of failure.
    package var code: Code
    /// The client whose token was being written; nil for a problem of a whole aggregate output.
    package var client: String?
    /// The output's path as configured (`-` for standard output).
    package var path: String
    /// Where the output is declared in the manifest (`file:line:column`), or empty.
    package var origin: String
    /// What is wrong, as a sentence.
    package var reason: String
    /// What to do about it.
    package var hint: String

    /// Creates an error.
    package init(code: Code, client: String?, path: String, origin: String, reason: String, hint: String) {
        self.code = code
        self.client = client
        self.path = path
        self.origin = origin
        self.reason = reason
        self.hint = hint
    }

    /// `origin: error: output PATH (client NAME): reason; hint`.
    package var description: String {
        let location = origin.isEmpty ? "" : "\(origin): "
        let who = client.map { " (client \($0))" } ?? ""
        return "\(location)error: output \(path)\(who): \(reason); \(hint)"
    }
}

/// The output and client an error is about; renderers carry it to build ``OutputError``s.
struct OutputContext {
    var spec: OutputSpec
    var client: String?

    func error(_ code: OutputError.Code, _ reason: String, hint: String) -> OutputError {
        OutputError(code: code, client: client, path: spec.path, origin: spec.origin, reason: reason, hint: hint)
    }

    func with(client: String) -> OutputContext {
        OutputContext(spec: spec, client: client)
    }
}
