import Foundation

/// Writes a run's outputs as one batch: every file is staged first, then all
/// are committed together (one `syncfs`, then the renames).
///
/// Per-client outputs are written for clients granted now and for skipped
/// clients whose output definitions changed or whose files were touched
/// since (from the cache; files holding the right bytes are not touched).
/// One client's outputs are one unit (``OutputBatch``): all change or none.
/// Aggregate outputs cover every manifest client — under `--shard`, every
/// client of this shard (each shard writes its own file, named with
/// `${TOKENSMITH_SHARD}`) — and hold those that have a valid token: new, or
/// the last good one from the cache while it is valid, so a failing client
/// keeps its previous token there until it expires. With `--only`, a covered
/// client outside the selection must have a valid cached token; if one has
/// none, the aggregate outputs are left as they are and that is an error
/// naming them and the clients missing.
enum OutputStage {
    /// One client's outputs could not be rendered or written: that client fails with ``ClientFailure/Code/output``.
    struct ClientOutputFailure {
        var client: String
        var message: String
    }

    struct Result {
        var written = 0
        var unchanged = 0
        /// File-level problems (naming the file), not tied to one client.
        var errors: [WriteFailure] = []
        /// Per-client render or write problems: that client counts as failed.
        var clientErrors: [ClientOutputFailure] = []
        /// Things the operator should know that do not fail the run.
        var warnings: [String] = []
        /// `--all-or-nothing` found a problem while staging and committed nothing.
        var heldBack = false
        /// Clients whose per-client outputs were written from the cache.
        var rerendered: [String] = []
        /// ``OutputFileStamp`` of each client's own files after the commit,
        /// for the clients whose outputs were staged and all committed
        /// (empty when the caller keeps no state to store them in).
        var stamps: [String: String] = [:]
    }

    static func write(
        manifest: Manifest, selected: [ClientDefinition], shard: Shard?, newTokens: [String: IssuedToken], state: TokenState,
        now: Date, allOrNothing: Bool, stamps: Bool = true
    ) -> Result {
        var result = Result()
        var perClient: [OutputPlan.ClientOutputs] = []
        // By index, reading fields: `for client in selected` copied every whole definition.
        for index in selected.indices where !selected[index].outputs.isEmpty {
            let name = selected[index].name
            let outputs = selected[index].outputs
            if let token = newTokens[name] {
                perClient.append(.init(token: token, outputs: outputs))
            } else if let cached = state.clients[name], cached.fingerprint == selected[index].fingerprint, cached.isValid(at: now),
                cached.outputsDigest != outputsDigest(outputs) || cached.outputsStamp != OutputFileStamp.of(outputs)
            {
                // A skipped client: its files already hold this token unless
                // its output definitions changed or a file was touched since
                // (edited, replaced, removed): then they are compared with the
                // cached token's rendering and restored where they differ.
                perClient.append(.init(token: cached.token, outputs: outputs))
                result.rerendered.append(name)
            }
        }
        var aggregate = manifest.outputs
        var aggregateTokens: [IssuedToken] = []
        if !aggregate.isEmpty {
            let selectedNames = Set(selected.indices.lazy.map { selected[$0].name })
            var uncovered: [String] = []
            aggregateTokens.reserveCapacity(shard == nil ? manifest.clients.count : selected.count)
            for name in manifest.clients.indices.lazy.map({ manifest.clients[$0].name }) where shard?.owns(name) ?? true {
                if let token = newTokens[name] {
                    aggregateTokens.append(token)
                } else if let cached = state.clients[name], cached.isValid(at: now) {
                    // The last good token stays until it expires, even when the
                    // client's definition changed and its new grant failed.
                    aggregateTokens.append(cached.token)
                } else if !selectedNames.contains(name) {
                    uncovered.append(name)
                }
            }
            if !uncovered.isEmpty {
                result.errors += aggregate.map {
                    WriteFailure(.aggregateIncomplete, Self.notWritten($0, missing: uncovered), path: $0.path)
                }
                aggregate = []
                aggregateTokens = []
            }
        }
        removeStaleTemporaryFiles(manifest: manifest, selected: selected, aggregate: aggregate)
        // One client's outputs are one unit: all staged, or none (OutputBatch).
        var batch = OutputBatch(roots: manifest.files.map(\.outputRoot))
        for client in perClient { batch.stage(client) }
        perClient = []
        if !aggregate.isEmpty {
            func cachedToken(_ name: String) -> IssuedToken? {
                state.clients[name].flatMap { $0.isValid(at: now) ? $0.token : nil }
            }
            // A client that failed above keeps its last good token in the aggregates.
            let failed = batch.failedClients
            if !failed.isEmpty {
                aggregateTokens = aggregateTokens.compactMap { failed.contains($0.clientName) ? cachedToken($0.clientName) : $0 }
            }
            batch.stage(
                aggregates: aggregate, tokens: aggregateTokens, isNew: { newTokens[$0] != nil },
                ownOutputs: { manifest.client(named: $0)?.outputs ?? [] }, fallback: cachedToken)
        }
        aggregateTokens = []
        for failure in batch.failures {
            if let client = failure.client {
                result.clientErrors.append(ClientOutputFailure(client: client, message: failure.error.description))
            } else {
                result.errors.append(WriteFailure(.output, failure.error.description, path: failure.error.path))
            }
        }
        if allOrNothing && (!result.errors.isEmpty || !result.clientErrors.isEmpty) {
            batch.abort()
            result.heldBack = true
            return result
        }
        let committed = batch.commit()
        for outcome in committed.outcomes {
            switch outcome {
            case .written, .modeChanged: result.written += 1
            case .unchanged: result.unchanged += 1
            case .standardOutput: break
            }
        }
        result.errors += committed.errors.map { WriteFailure(.output, $0.description, path: $0.path) }
        // After a failed commit no stamp is kept: the next run compares the files again.
        if committed.errors.isEmpty && stamps {
            for name in batch.stagedClients {
                guard let client = manifest.client(named: name) else { continue }
                result.stamps[name] = OutputFileStamp.of(client.outputs)
            }
        }
        return result
    }

    /// Why an aggregate output was left as it is: the clients it would miss.
    static func notWritten(_ spec: OutputSpec, missing: [String]) -> String {
        let names =
            missing.prefix(3).map { "`\($0)`" }.joined(separator: ", ")
            + (missing.count > 3 ? " and \(missing.count - 3) more" : "")
        let target = spec.isStandardOutput ? "to standard output" : spec.path
        let verb =
            missing.count == 1 ? "is outside this run's --only selection and has" : "are outside this run's --only selection and have"
        return "aggregate output \(target) (declared at \(spec.origin)) was not written: client\(missing.count == 1 ? "" : "s") \(names) "
            + "\(verb) no valid cached token, so the file would lack them; run without --only (or include them in it) to write it"
    }

    /// A stable digest of a client's output definitions (dictionaries sorted).
    ///
    /// The text hashed is `format|options…|path|mode|keys` per output (plus
    /// `|drop=names` when `keys` drops some), one line each; it is stored in
    /// the state file, so it must not change between versions. Built as bytes: this runs for every client of an idle run.
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
                // Only Secrets with a type or templated keys get this part: every other digest stays as it was.
                if options.type != KubernetesSecretOptions.defaultType || !options.data.isEmpty {
                    add("|type="); add(options.type)
                    for entry in options.data {
                        add("|data="); add(entry.key); bytes.append(UInt8(ascii: "="));
                        add(SHA256Digest.hex(of: Array(entry.template.text.utf8)))
                    }
                }
            case .template(let template):
                add("template|"); add(SHA256Digest.hex(of: Array(template.text.utf8)))
            }
            bar(); add(spec.path); bar(); add(String(spec.mode)); bar(); add(sorted: spec.keys)
            // Only outputs that drop keys get this part: every other digest stays as it was.
            if !spec.droppedKeys.isEmpty { add("|drop="); add(spec.droppedKeys.map(\.rawValue).sorted().joined(separator: ",")) }
            bytes.append(0x0A)
        }
        return SHA256Digest.hex(of: bytes)
    }

    /// Removes what killed runs left (``TemporaryName``) in every folder this
    /// run's outputs are in, written or not: selected clients' and
    /// aggregates'. Only files older than ``StaleTemporaryFiles/defaultMinutes``
    /// go, so a concurrent run's files survive. One `readdir` per distinct
    /// folder: a few for the usual layouts, however many clients.
    static func removeStaleTemporaryFiles(manifest: Manifest, selected: [ClientDefinition], aggregate: [OutputSpec]) {
        let roots = manifest.files.map(\.outputRoot).sorted { $0.count > $1.count }
        var pathsByRoot: [String: [String]] = [:]
        var folders: Set<Substring> = []
        func add(_ spec: OutputSpec) {
            guard !spec.isStandardOutput, let slash = spec.path.utf8.lastIndex(of: UInt8(ascii: "/")),
                folders.insert(spec.path[..<slash]).inserted
            else { return }
            pathsByRoot[outputRoot(for: spec.path, roots: roots), default: []].append(spec.path)
        }
        for client in selected { client.outputs.forEach(add) }
        aggregate.forEach(add)
        for (root, paths) in pathsByRoot {
            StaleTemporaryFiles.remove(foldersOf: paths, root: root, olderThanMinutes: StaleTemporaryFiles.defaultMinutes)
        }
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
