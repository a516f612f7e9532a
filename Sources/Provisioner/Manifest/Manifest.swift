/// The validated manifest: one or several files merged, every setting resolved.
///
/// Built by ``ManifestLoader``; only produced when validation found no error.
/// Client and issuer names are unique across all files.
package struct Manifest: Sendable {
    /// One manifest file that contributed to this manifest.
    package struct File: Sendable, Hashable {
        /// The path as given.
        package var path: String
        /// The absolute folder of the file; relative `*_file` paths resolve against it.
        package var directory: String
        /// The absolute output root its output paths were resolved against.
        package var outputRoot: String

        /// Creates a file record.
        package init(path: String, directory: String, outputRoot: String) {
            self.path = path
            self.directory = directory
            self.outputRoot = outputRoot
        }
    }

    /// The files, in command-line order.
    package var files: [File]
    /// The global defaults (built-in values where the manifest gave none).
    package var defaults: Defaults
    /// Issuers in definition order.
    package var issuers: [IssuerDefinition]
    /// Clients in definition order.
    package var clients: [ClientDefinition]
    /// Aggregate outputs (over all clients), in order.
    package var outputs: [OutputSpec]

    private var issuerIndex: [String: Int]
    private var clientIndex: [String: Int]

    /// Creates a manifest; names must be unique (the loader guarantees it).
    package init(files: [File], defaults: Defaults, issuers: [IssuerDefinition], clients: [ClientDefinition], outputs: [OutputSpec]) {
        self.files = files
        self.defaults = defaults
        self.issuers = issuers
        self.clients = clients
        self.outputs = outputs
        issuerIndex = Self.positions(of: issuers.indices.lazy.map { issuers[$0].name })
        clientIndex = Self.positions(of: clients.indices.lazy.map { clients[$0].name })
    }

    /// Each name's first position. Read by index: iterating the elements
    /// themselves copied every whole definition just to read its name.
    private static func positions(of names: some Collection<String>) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(names.count)
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        return index
    }

    /// The issuer with this name.
    package func issuer(named name: String) -> IssuerDefinition? {
        issuerIndex[name].map { issuers[$0] }
    }

    /// The client with this name.
    package func client(named name: String) -> ClientDefinition? {
        clientIndex[name].map { clients[$0] }
    }
}
