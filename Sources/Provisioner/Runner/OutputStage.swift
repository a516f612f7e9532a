import Foundation

/// Writes a run's outputs as one batch: every file is staged first, then all
/// are committed together (one `syncfs`, then the renames).
///
/// Per-client outputs are written for clients granted now and for skipped
/// clients (from the cache; unchanged files are not touched). Aggregate outputs
/// cover every manifest client — under `--shard`, every client of this shard
/// (each shard writes its own file, named with `${TOKENSMITH_SHARD}`) — and
/// hold those that have a valid token: new, or the last good one from the
/// cache while it is valid, so a failing client keeps its previous token there
/// until it expires. With `--only`, a covered client outside the selection
/// must have a valid cached token; if one has none, the aggregate outputs are
/// left as they are and that is an error naming them and the clients missing.
enum OutputStage {
    struct Result {
        var written = 0
        var unchanged = 0
        /// File-level problems (naming the file), not tied to one client.
        var errors: [String] = []
        /// Per-client render or write problems: that client counts as failed.
        var clientErrors: [(String, String)] = []
        /// Things the operator should know that do not fail the run.
        var warnings: [String] = []
        /// `--all-or-nothing` found a problem while staging and committed nothing.
        var heldBack = false
        /// Clients whose per-client outputs were written from the cache.
        var rerendered: [String] = []
    }

    static func write(
        manifest: Manifest, selected: [ClientDefinition], shard: Shard?, newTokens: [String: IssuedToken], state: TokenState,
        now: Date, allOrNothing: Bool
    ) -> Result {
        var result = Result()
        var perClient: [OutputPlan.ClientOutputs] = []
        for client in selected where !client.outputs.isEmpty {
            if let token = newTokens[client.name] {
                perClient.append(.init(token: token, outputs: client.outputs))
            } else if let cached = state.clients[client.name], cached.fingerprint == client.fingerprint, cached.isValid(at: now),
                      cached.outputsDigest != outputsDigest(client.outputs) || client.outputs.contains(where: isMissing) {
                // A skipped client: its files already hold this token unless
                // its output definitions changed or a file went missing.
                perClient.append(.init(token: cached.issuedToken(clientName: client.name), outputs: client.outputs))
                result.rerendered.append(client.name)
            }
        }
        var aggregate = manifest.outputs
        var aggregateTokens: [IssuedToken] = []
        if !aggregate.isEmpty {
            let selectedNames = Set(selected.map(\.name))
            var uncovered: [String] = []
            for client in manifest.clients where shard?.owns(client.name) ?? true {
                if let token = newTokens[client.name] {
                    aggregateTokens.append(token)
                } else if let cached = state.clients[client.name], cached.isValid(at: now) {
                    // The last good token stays until it expires, even when the
                    // client's definition changed and its new grant failed.
                    aggregateTokens.append(cached.issuedToken(clientName: client.name))
                } else if !selectedNames.contains(client.name) {
                    uncovered.append(client.name)
                }
            }
            if !uncovered.isEmpty {
                result.errors += aggregate.map { Self.notWritten($0, missing: uncovered) }
                aggregate = []
                aggregateTokens = []
            }
        }
        let aggregatePaths = Set(aggregate.map(\.path))

        func record(_ error: OutputError) {
            if let client = error.client, !aggregatePaths.contains(error.path) {
                result.clientErrors.append((client, error.description))
            } else {
                result.errors.append(error.description)
            }
        }
        // Each file is staged as soon as it is rendered, so its bytes are not
        // all held at once; render failures are reported before staging ones.
        let roots = manifest.files.map(\.outputRoot).sorted { $0.count > $1.count }
        var transactions: [String: FileTransaction] = [:]
        var stagingErrors: [OutputError] = []
        let renderFailures = OutputPlan.render(clients: perClient, aggregate: aggregate, aggregateTokens: aggregateTokens) { write in
            let root = outputRoot(for: write.path, roots: roots)
            let transaction = transactions[root] ?? AtomicFileWriter(root: root).transaction()
            transactions[root] = transaction
            do throws(OutputError) {
                try write.stage(in: transaction)
            } catch {
                stagingErrors.append(error)
            }
        }
        perClient = []
        aggregateTokens = []
        renderFailures.forEach(record)
        stagingErrors.forEach(record)
        if allOrNothing && (!result.errors.isEmpty || !result.clientErrors.isEmpty) {
            for transaction in transactions.values { transaction.abort() }
            result.heldBack = true
            return result
        }
        for root in transactions.keys.sorted() {
            guard let transaction = transactions[root] else { continue }
            do {
                for outcome in try transaction.commit() {
                    switch outcome {
                    case .written, .modeChanged: result.written += 1
                    case .unchanged: result.unchanged += 1
                    case .standardOutput: break
                    }
                }
            } catch {
                result.errors.append(error.description)
            }
        }
        return result
    }

    /// Why an aggregate output was left as it is: the clients it would miss.
    static func notWritten(_ spec: OutputSpec, missing: [String]) -> String {
        let names = missing.prefix(3).map { "`\($0)`" }.joined(separator: ", ")
            + (missing.count > 3 ? " and \(missing.count - 3) more" : "")
        let target = spec.isStandardOutput ? "to standard output" : spec.path
        let verb = missing.count == 1 ? "is outside this run's --only selection and has" : "are outside this run's --only selection and have"
        return "aggregate output \(target) (declared at \(spec.origin)) was not written: client\(missing.count == 1 ? "" : "s") \(names) "
            + "\(verb) no valid cached token, so the file would lack them; run without --only (or include them in it) to write it"
    }

    /// A stable digest of a client's output definitions (dictionaries sorted).
    ///
    /// The text hashed is `format|options…|path|mode|keys` per output, one line
    /// each; it is stored in the state file, so it must not change between
    /// versions. Built as bytes: this runs for every client of an idle run.
    static func outputsDigest(_ outputs: [OutputSpec]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 * outputs.count)
        func add(_ text: String) { bytes.append(contentsOf: text.utf8) }
        func bar() { bytes.append(UInt8(ascii: "|")) }
        func add(sorted dictionary: [String: String]) {
            for (index, entry) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                add(entry.key)
                bytes.append(UInt8(ascii: "="))
                add(entry.value)
            }
        }
        for spec in outputs {
            switch spec.format {
            case .env(let options):
                add("env|"); add(options.prefix); bar(); add(options.flavor.rawValue); bar()
                add(options.includeScope ? "true" : "false")
            case .json:
                add("json")
            case .kubernetesSecret(let options):
                add("k8s|"); add(options.name ?? ""); bar(); add(options.namespace ?? ""); bar()
                add(sorted: options.labels); bar(); add(sorted: options.annotations)
            }
            bar(); add(spec.path); bar(); add(String(spec.mode)); bar(); add(sorted: spec.keys)
            bytes.append(0x0A)
        }
        return SHA256Digest.hex(of: bytes)
    }

    private static func isMissing(_ spec: OutputSpec) -> Bool {
        !spec.isStandardOutput && !FileBytes.exists(spec.path)
    }

    /// The output root that contains `path`: the longest matching manifest
    /// root (`roots` sorted longest first).
    static func outputRoot(for path: String, roots: [String]) -> String {
        for root in roots where path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
            return root
        }
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}
