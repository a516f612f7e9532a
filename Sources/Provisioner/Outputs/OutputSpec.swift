/// Where and how one output is written; built from the manifest's `outputs` lists.
///
/// The same value describes a per-client output (one client's token) and an
/// aggregate output (every client of the run), see ``OutputScope``.
public struct OutputSpec: Sendable, Hashable {
    /// The three formats tokensmith writes.
    public enum Format: Sendable, Hashable {
        /// `KEY=value` lines for docker `--env-file`, compose, systemd, dotenv or shell.
        case env(EnvOptions)
        /// One JSON object (per client) or `{"clients": {...}}` (aggregate).
        case json
        /// A Kubernetes `v1` `Secret` manifest (aggregate: one document per client).
        case kubernetesSecret(KubernetesSecretOptions)
    }

    /// The format and its options.
    public var format: Format
    /// The target path as written in the manifest, resolved against the output
    /// root; `"-"` means standard output.
    public var path: String
    /// The file mode for the written file (default `0o600`).
    public var mode: UInt16
    /// Renamed output keys: a canonical key (`access_token`, `token_type`,
    /// `expires_at`, `expires_in`, `scope`, `issuer`, `client_id`) to the name to write.
    public var keys: [String: String]
    /// Keys left out of this output (`keys: {expires_at: ~}`); never `access_token`.
    public var droppedKeys: Set<OutputKey>
    /// Where in the manifest this output was declared (`file:line:column`), for messages.
    public var origin: String

    /// Creates an output description.
    public init(
        format: Format, path: String, mode: UInt16 = 0o600, keys: [String: String] = [:], droppedKeys: Set<OutputKey> = [],
        origin: String = ""
    ) {
        self.format = format
        self.path = path
        self.mode = mode
        self.keys = keys
        self.droppedKeys = droppedKeys
        self.origin = origin
    }

    /// Whether this output goes to standard output instead of a file.
    public var isStandardOutput: Bool { path == "-" }
}

/// Whether an output holds one client's token or every client's.
public enum OutputScope: Sendable, Hashable {
    /// Declared under a client: holds that client's token only.
    case perClient
    /// Declared under the top-level `outputs`: holds every client's token.
    case aggregate
}

/// Options of an env output.
public struct EnvOptions: Sendable, Hashable {
    /// How values are quoted, by the reader the file is meant for.
    public enum Flavor: String, Sendable, Hashable, CaseIterable {
        /// docker `--env-file`: never quoted; an unsafe value is refused.
        case docker
        /// POSIX shell (`source`, `set -a; . file`): single-quoted when needed.
        case shell
        /// python-dotenv and compose: single-quoted when needed.
        case dotenv
    }

    /// Key prefix; per-client default empty, aggregate outputs use the client
    /// name upper-cased with `-`/`.` turned into `_`, plus `_`.
    public var prefix: String
    /// The quoting rules.
    public var flavor: Flavor
    /// Whether to write `<PREFIX>SCOPE` as well.
    public var includeScope: Bool

    /// Creates env options.
    public init(prefix: String = "", flavor: Flavor = .docker, includeScope: Bool = false) {
        self.prefix = prefix
        self.flavor = flavor
        self.includeScope = includeScope
    }
}

/// Options of a Kubernetes Secret output.
public struct KubernetesSecretOptions: Sendable, Hashable {
    /// `metadata.name`; per-client default is the client name, aggregate outputs
    /// use each client's name (optionally with this as a prefix).
    public var name: String?
    /// `metadata.namespace`, omitted when nil.
    public var namespace: String?
    /// Extra labels, added to `app.kubernetes.io/managed-by: tokensmith`.
    public var labels: [String: String]
    /// Extra annotations, added to the expiry, issuer and client id annotations.
    public var annotations: [String: String]

    /// Creates Kubernetes Secret options.
    public init(name: String? = nil, namespace: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }
}
