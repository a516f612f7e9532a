/// The output checks the manifest alone decides (see ``OutputPreflight``),
/// as diagnostics at each output's path in the manifest.
extension ManifestAssembler {
    /// At most this many clients are named per aggregate output; the rest are counted.
    static let clientsNamedPerOutput = 3

    /// A client's own outputs.
    mutating func checkOutputs(of client: ClientDefinition, _ drafts: [OutputDraft]) {
        for draft in drafts {
            if let problem = OutputPreflight.check(draft.spec)
                ?? OutputPreflight.check(client: client.name, requestedScope: client.scope, in: draft.spec, scope: .perClient)
            {
                report(problem, draft)
            }
        }
    }

    /// The top-level outputs, over every client of the manifest.
    mutating func checkAggregateOutputs(_ drafts: [OutputDraft], clients: [ClientDefinition]) {
        for draft in drafts {
            if let problem = OutputPreflight.check(draft.spec) {
                report(problem, draft)
                continue
            }
            var problems = 0
            // By index: `for client in clients` copied every whole definition.
            for position in clients.indices {
                guard
                    let problem = OutputPreflight.check(
                        client: clients[position].name, requestedScope: clients[position].scope, in: draft.spec, scope: .aggregate)
                else { continue }
                problems += 1
                if problems <= Self.clientsNamedPerOutput { report(problem, draft) }
            }
            if problems > Self.clientsNamedPerOutput {
                diagnostics.append(
                    Diagnostic(
                        .error,
                        "output `\(draft.writtenPath)`: \(problems - Self.clientsNamedPerOutput) more clients have the same kind of problem",
                        at: draft.location, keyPath: draft.keyPath))
            }
            if let problem = OutputPreflight.checkEnvKeys(clients: clients.indices.map { clients[$0].name }, in: draft.spec) {
                report(problem, draft)
            }
        }
    }

    private mutating func report(_ problem: OutputError, _ draft: OutputDraft) {
        let who = problem.client.map { " (client `\($0)`)" } ?? ""
        diagnostics.append(
            Diagnostic(
                .error, "output `\(draft.writtenPath)`\(who): \(problem.reason); \(problem.hint)", at: draft.location,
                keyPath: draft.keyPath))
    }
}
