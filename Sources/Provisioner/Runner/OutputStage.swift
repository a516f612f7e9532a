import Foundation

/// Writes a run's outputs as one batch: every file is staged first, then all
/// are committed together (one `syncfs`, then the renames).
///
/// Per-client outputs are written for clients granted now and for skipped
/// clients (from the cache; unchanged files are not touched). Aggregate outputs
/// hold every manifest client that has a valid token — new, or the last good
/// one from the cache while it is valid — so a failing client keeps its
/// previous token there until it expires.
enum OutputStage {
    struct Result {
        var written = 0
        var unchanged = 0
        /// File-level problems (naming the file), not tied to one client.
        var errors: [String] = []
        /// Per-client render or write problems: that client counts as failed.
        var clientErrors: [(String, String)] = []
    }

    static func write(
        manifest: Manifest, selected: [ClientDefinition], newTokens: [String: IssuedToken], state: TokenState, now: Date
    ) -> Result {
        var perClient: [OutputPlan.ClientOutputs] = []
        for client in selected where !client.outputs.isEmpty {
            if let token = newTokens[client.name] {
                perClient.append(.init(token: token, outputs: client.outputs))
            } else if let cached = state.clients[client.name], cached.fingerprint == client.fingerprint, cached.isValid(at: now) {
                perClient.append(.init(token: cached.issuedToken(clientName: client.name), outputs: client.outputs))
            }
        }
        var aggregateTokens: [IssuedToken] = []
        if !manifest.outputs.isEmpty {
            for client in manifest.clients {
                if let token = newTokens[client.name] {
                    aggregateTokens.append(token)
                } else if let cached = state.clients[client.name], cached.isValid(at: now) {
                    // The last good token stays until it expires, even when the
                    // client's definition changed and its new grant failed.
                    aggregateTokens.append(cached.issuedToken(clientName: client.name))
                }
            }
        }
        let plan = OutputPlan(clients: perClient, aggregate: manifest.outputs, aggregateTokens: aggregateTokens)

        var result = Result()
        for failure in plan.failures { record(failure, in: &result) }
        var transactions: [String: FileTransaction] = [:]
        for write in plan.writes {
            let root = outputRoot(for: write.path, in: manifest)
            let transaction = transactions[root] ?? AtomicFileWriter(root: root).transaction()
            transactions[root] = transaction
            do {
                try write.stage(in: transaction)
            } catch {
                record(error, in: &result)
            }
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

    private static func record(_ error: OutputError, in result: inout Result) {
        if let client = error.client {
            result.clientErrors.append((client, error.description))
        } else {
            result.errors.append(error.description)
        }
    }

    /// The output root that contains `path`: the longest matching manifest root.
    static func outputRoot(for path: String, in manifest: Manifest) -> String {
        let roots = manifest.files.map(\.outputRoot).sorted { $0.count > $1.count }
        for root in roots where path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
            return root
        }
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}
