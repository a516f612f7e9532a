/// Renders and stages a run's outputs so that one client's outputs are one
/// unit: all of them change, or none does.
///
/// A client's own outputs are all rendered before any is staged; if one
/// cannot be rendered or staged, the ones already staged are taken back. An
/// aggregate output that cannot take a client's new token (only the
/// response can reveal that; the manifest's part is checked by `validate`)
/// fails that client the same way: its own files are taken back, the
/// aggregates are rendered again with its last good token (or without it),
/// and its new token is not kept. Standard output is held until the end, so
/// a failed client prints nothing either. Not thread-safe.
package struct OutputBatch {
    /// Why an output of a client, or a whole aggregate file, was not written.
    package struct Failure {
        /// What went wrong, naming the file, the client and the manifest origin.
        package var error: OutputError
        /// The client that fails because of it; nil for a problem of a whole file.
        package var client: String?
    }

    /// Output roots of the manifest, longest first.
    private let roots: [String]
    private var transactions: [String: FileTransaction] = [:]
    /// Standard-output writes in order, held back until ``commit()`` or ``abort()``.
    private var standardOutput: [(write: OutputPlan.Write, aggregate: Bool)] = []
    /// Paths of aggregate files staged so far (taken back when they are rendered again).
    private var stagedAggregates: [String] = []
    /// What failed, in order.
    package private(set) var failures: [Failure] = []
    /// Clients that failed as a unit: none of their outputs is staged.
    package private(set) var failedClients: Set<String> = []
    /// Clients whose own outputs are staged, in order.
    package private(set) var stagedClients: [String] = []

    /// A batch over the manifest's output roots (each folder root gets its own transaction).
    package init(roots: [String]) {
        self.roots = roots.sorted { $0.count > $1.count }
    }

    /// Renders every output of one client, then stages them all, or none.
    package mutating func stage(_ client: OutputPlan.ClientOutputs) {
        let name = client.token.clientName
        var writes: [OutputPlan.Write] = []
        writes.reserveCapacity(client.outputs.count)
        for spec in client.outputs {
            do throws(OutputError) {
                let bytes = try OutputRenderer.render(spec, token: client.token)
                writes.append(OutputPlan.Write(path: spec.path, bytes: bytes, mode: spec.mode, spec: spec, client: name))
            } catch {
                failures.append(Failure(error: error, client: name))
            }
        }
        guard writes.count == client.outputs.count else {
            failedClients.insert(name)
            return
        }
        var staged: [String] = []
        for write in writes {
            if write.spec.isStandardOutput {
                standardOutput.append((write, false))
                continue
            }
            do throws(OutputError) {
                try write.stage(in: transaction(for: write.path))
                staged.append(write.path)
            } catch {
                failures.append(Failure(error: error, client: name))
                for path in staged { transaction(for: path).discard(path) }
                standardOutput.removeAll { !$0.aggregate && $0.write.client == name }
                failedClients.insert(name)
                return
            }
        }
        stagedClients.append(name)
    }

    /// Renders and stages the aggregate outputs over `tokens`. A rendering
    /// error naming a client whose token `isNew` fails that client as a unit:
    /// `ownOutputs` are taken back, its token becomes `fallback` (the cached
    /// one, or nil to leave it out), and every aggregate is rendered again.
    package mutating func stage(
        aggregates specs: [OutputSpec], tokens: [IssuedToken], isNew: (String) -> Bool,
        ownOutputs: (String) -> [OutputSpec], fallback: (String) -> IssuedToken?
    ) {
        var tokens = tokens
        var fileFailures: [Failure] = []
        var index = 0
        while index < specs.count {
            let spec = specs[index]
            do throws(OutputError) {
                let bytes = try OutputRenderer.render(spec, tokens: tokens)
                let write = OutputPlan.Write(path: spec.path, bytes: bytes, mode: spec.mode, spec: spec, client: nil)
                if spec.isStandardOutput {
                    standardOutput.append((write, true))
                } else {
                    do throws(OutputError) {
                        try write.stage(in: transaction(for: write.path))
                        stagedAggregates.append(write.path)
                    } catch {
                        fileFailures.append(Failure(error: error, client: nil))
                    }
                }
                index += 1
            } catch {
                guard let name = error.client, isNew(name), !failedClients.contains(name),
                    let position = tokens.firstIndex(where: { $0.clientName == name })
                else {
                    fileFailures.append(Failure(error: error, client: nil))
                    index += 1
                    continue
                }
                failures.append(Failure(error: error, client: name))
                failedClients.insert(name)
                takeBack(client: name, outputs: ownOutputs(name))
                if let previous = fallback(name) { tokens[position] = previous } else { tokens.remove(at: position) }
                // Aggregates staged so far hold the new token: render them all again.
                for path in stagedAggregates { transaction(for: path).discard(path) }
                stagedAggregates = []
                standardOutput.removeAll { $0.aggregate }
                fileFailures = []
                index = 0
            }
        }
        failures += fileFailures
    }

    /// Commits every folder root's transaction (standard output last, in
    /// order); returns the outcomes and the commit errors.
    package mutating func commit() -> (outcomes: [WriteOutcome], errors: [FileWriteError]) {
        for (write, _) in standardOutput {
            try? transaction(for: write.path).stage(write.bytes, to: write.path, mode: write.mode)
        }
        standardOutput = []
        var outcomes: [WriteOutcome] = []
        var errors: [FileWriteError] = []
        for root in transactions.keys.sorted() {
            guard let transaction = transactions[root] else { continue }
            do {
                outcomes += try transaction.commit()
            } catch {
                errors.append(error)
            }
        }
        transactions = [:]
        return (outcomes, errors)
    }

    /// Removes every temporary file; nothing is written.
    package mutating func abort() {
        for transaction in transactions.values { transaction.abort() }
        transactions = [:]
        standardOutput = []
    }

    private mutating func takeBack(client name: String, outputs: [OutputSpec]) {
        guard let position = stagedClients.lastIndex(of: name) else { return }
        stagedClients.remove(at: position)
        for spec in outputs where !spec.isStandardOutput { transaction(for: spec.path).discard(spec.path) }
        standardOutput.removeAll { !$0.aggregate && $0.write.client == name }
    }

    private mutating func transaction(for path: String) -> FileTransaction {
        let root = OutputStage.outputRoot(for: path, roots: roots)
        if let existing = transactions[root] { return existing }
        let transaction = AtomicFileWriter(root: root).transaction()
        transactions[root] = transaction
        return transaction
    }
}
