/// Where and how one output is written; built from the manifest's `outputs` lists.
///
/// The same value describes a per-client output (one client's token) and an
/// aggregate output (every client of the run), see ``OutputScope``.
package struct OutputSpec: Sendable, Hashable {
    /// The formats tokensmith writes.
    package enum Format: Sendable, Hashable {
        /// `KEY=value` lines for docker `--env-file`, compose, systemd, dotenv or shell.
        case env(EnvOptions)
        /// One JSON object (per client) or `{"clients": {...}}` (aggregate).
        case json
        /// A Kubernetes `v1` `Secret` manifest (aggregate: one document per client).
        /// Boxed (`indirect`), as is `template`: their options are large, and
        /// inline they made every output, env ones included, as wide as they are.
        indirect case kubernetesSecret(KubernetesSecretOptions)
        /// Any text file, rendered from a Mustache template (`template:` with `source:`).
        indirect case template(OutputTemplate)
    }

    /// The format and its options.
    package var format: Format
    /// The target path as written in the manifest, resolved against the output
    /// root; `"-"` means standard output.
    package var path: String
    /// The file mode for the written file (default `0o600`).
    package var mode: UInt16
    /// Renamed output keys: a canonical key (`access_token`, `token_type`,
    /// `expires_at`, `expires_in`, `scope`, `issuer`, `client_id`) to the name to write.
    package var keys: [String: String]
    /// Keys left out of this output (`keys: {expires_at: ~}`); never `access_token`.
    package var droppedKeys: Set<OutputKey>
    /// Where in the manifest this output was declared (`file:line:column`), for messages.
    package var origin: String
    /// What `watch` does after it wrote this output with a new token (`notify`).
    package var notify: [NotifyAction]

    /// Creates an output description.
    package init(
        format: Format, path: String, mode: UInt16 = 0o600, keys: [String: String] = [:], droppedKeys: Set<OutputKey> = [],
        origin: String = "", notify: [NotifyAction] = []
    ) {
        self.format = format
        self.path = path
        self.mode = mode
        self.keys = keys
        self.droppedKeys = droppedKeys
        self.origin = origin
        self.notify = notify
    }

    /// Whether this output goes to standard output instead of a file.
    package var isStandardOutput: Bool { path == "-" }
}

/// Whether an output holds one client's token or every client's.
package enum OutputScope: Sendable, Hashable {
    /// Declared under a client: holds that client's token only.
    case perClient
    /// Declared under the top-level `outputs`: holds every client's token.
    case aggregate
}

/// Options of an env output.
package struct EnvOptions: Sendable, Hashable {
    /// How values are quoted, by the reader the file is meant for.
    package enum Flavor: String, Sendable, Hashable, CaseIterable {
        /// docker `--env-file`: never quoted; an unsafe value is refused.
        case docker
        /// POSIX shell (`source`, `set -a; . file`): single-quoted when needed.
        case shell
        /// python-dotenv and compose: single-quoted when needed.
        case dotenv
    }

    /// Key prefix; per-client default empty, aggregate outputs use the client
    /// name upper-cased with `-`/`.` turned into `_`, plus `_`.
    package var prefix: String
    /// The quoting rules.
    package var flavor: Flavor
    /// Whether to write `<PREFIX>SCOPE` as well.
    package var includeScope: Bool

    /// Creates env options.
    package init(prefix: String = "", flavor: Flavor = .docker, includeScope: Bool = false) {
        self.prefix = prefix
        self.flavor = flavor
        self.includeScope = includeScope
    }
}

/// Options of a Kubernetes Secret output.
package struct KubernetesSecretOptions: Sendable, Hashable {
    /// `metadata.name`; per-client default is the client name, aggregate outputs
    /// use each client's name (optionally with this as a prefix).
    package var name: String?
    /// `metadata.namespace`, omitted when nil.
    package var namespace: String?
    /// Extra labels, added to `app.kubernetes.io/managed-by: tokensmith`.
    package var labels: [String: String]
    /// Extra annotations, added to the expiry, issuer and client id annotations.
    package var annotations: [String: String]
    /// The Secret's `type` (default `Opaque`).
    package var type: String
    /// Extra `data` keys rendered from templates, in manifest order (`data:`).
    package var data: [SecretDataTemplate]

    /// The Secret type when none is set.
    package static let defaultType = "Opaque"

    /// Creates Kubernetes Secret options.
    package init(
        name: String? = nil, namespace: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:],
        type: String = KubernetesSecretOptions.defaultType, data: [SecretDataTemplate] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.type = type
        self.data = data
    }
}

/// One templated `data` key of a Kubernetes Secret output.
package struct SecretDataTemplate: Sendable, Hashable {
    /// The data key.
    package var key: String
    /// The template of its value, rendered per client.
    package var template: OutputTemplate

    /// Creates a templated data key.
    package init(key: String, template: OutputTemplate) {
        self.key = key
        self.template = template
    }
}
