/// Everything one run will write, rendered up front: the runner stages all
/// of it in one ``FileTransaction`` and commits (or, with `--all-or-nothing`
/// and any failure, aborts).
///
/// Building never throws: each output that cannot be rendered becomes an
/// entry in ``failures`` and is left out of ``writes``, so one client's bad
/// value does not stop the others. Two outputs aimed at the same file are a
/// failure of the second one.
package struct OutputPlan: Sendable {
    /// One file (or standard output) to write.
    package struct Write: Sendable {
        /// The target path as configured; `-` means standard output.
        package var path: String
        /// The complete content.
        package var bytes: [UInt8]
        /// The file mode.
        package var mode: UInt16
        /// The output this came from, for messages.
        package var spec: OutputSpec
        /// The client, or nil for an aggregate output.
        package var client: String?

        /// Creates a write.
        package init(path: String, bytes: [UInt8], mode: UInt16, spec: OutputSpec, client: String?) {
            self.path = path
            self.bytes = bytes
            self.mode = mode
            self.spec = spec
            self.client = client
        }

        /// Stages this write in `transaction`, turning a file error into an ``OutputError`` with the client and origin.
        package func stage(in transaction: FileTransaction) throws(OutputError) {
            do {
                try transaction.stage(bytes, to: path, mode: mode)
            } catch {
                throw OutputError(
                    code: .writeFailed, client: client, path: path, origin: spec.origin,
                    reason: error.reason, hint: error.hint)
            }
        }
    }

    /// One client's token and the outputs declared for it.
    package struct ClientOutputs: Sendable {
        /// The token to write.
        package var token: IssuedToken
        /// The client's own `outputs`.
        package var outputs: [OutputSpec]

        /// Creates a client's entry.
        package init(token: IssuedToken, outputs: [OutputSpec]) {
            self.token = token
            self.outputs = outputs
        }
    }

    /// What to write, per-client outputs first (in the given order), then aggregates.
    package var writes: [Write]
    /// Outputs that could not be rendered, in the same order.
    package var failures: [OutputError]

    /// Renders every per-client output of `clients` and every `aggregate`
    /// output over `aggregateTokens` (which may include still-valid tokens of
    /// clients not renewed in this run).
    package init(clients: [ClientOutputs], aggregate: [OutputSpec], aggregateTokens: [IssuedToken]) {
        var writes: [Write] = []
        failures = Self.render(clients: clients, aggregate: aggregate, aggregateTokens: aggregateTokens) { writes.append($0) }
        self.writes = writes
    }

    /// The same writes and failures as ``init(clients:aggregate:aggregateTokens:)``,
    /// in the same order, but each write is handed to `body` as soon as it is
    /// rendered and not kept: a 10,000-client run then never holds every
    /// rendered file at once. Returns the failures.
    package static func render(
        clients: [ClientOutputs], aggregate: [OutputSpec], aggregateTokens: [IssuedToken], _ body: (Write) -> Void
    ) -> [OutputError] {
        var failures: [OutputError] = []
        // Path → origin of the output that claimed it (not the whole spec: 10,000 entries).
        var paths: [String: String] = [:]
        paths.reserveCapacity(clients.count + aggregate.count)
        func add(_ spec: OutputSpec, client: String?, render: () throws(OutputError) -> [UInt8]) {
            if !spec.isStandardOutput, let firstOrigin = paths[spec.path] {
                let firstWriter = firstOrigin.isEmpty ? "another output" : "the output at \(firstOrigin)"
                failures.append(
                    OutputError(
                        code: .duplicatePath, client: client, path: spec.path, origin: spec.origin,
                        reason: "\(firstWriter) writes the same file", hint: "give each output its own path"))
                return
            }
            do {
                let bytes = try render()
                paths[spec.path] = spec.origin
                body(Write(path: spec.path, bytes: bytes, mode: spec.mode, spec: spec, client: client))
            } catch {
                failures.append(error)
            }
        }
        for client in clients {
            for spec in client.outputs {
                add(spec, client: client.token.clientName) { () throws(OutputError) in
                    try OutputRenderer.render(spec, token: client.token)
                }
            }
        }
        for spec in aggregate {
            add(spec, client: nil) { () throws(OutputError) in
                try OutputRenderer.render(spec, tokens: aggregateTokens)
            }
        }
        return failures
    }

    /// Stages every write in `transaction`; returns the failures (the runner decides to commit or abort).
    package func stage(in transaction: FileTransaction) -> [OutputError] {
        var errors: [OutputError] = []
        for write in writes {
            do {
                try write.stage(in: transaction)
            } catch {
                errors.append(error)
            }
        }
        return errors
    }
}
