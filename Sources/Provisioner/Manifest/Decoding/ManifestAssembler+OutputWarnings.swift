/// Warnings about where tokens end up, once every file's outputs are known:
/// a client whose token would be written nowhere, and several outputs sharing
/// standard output.
extension ManifestAssembler {
    /// A client with no outputs of its own is only useful when an aggregate
    /// output holds it; without one, its token would be fetched and dropped.
    static func clientsWrittenNowhere(_ clients: [(name: String, location: SourceLocation, index: Int)]) -> [Diagnostic] {
        clients.map { client in
            Diagnostic(
                .warning,
                "client `\(client.name)` has no `outputs` and no top-level `outputs` holds it, so its token would be written nowhere; give it `outputs` (e.g. `outputs: [{env: \(client.name).env}]`) or add a top-level `outputs` list",
                at: client.location, keyPath: FileDecoder.clientPath(client.index) + ".name"
            )
        }
    }

    /// Every output to `-` after the first: their texts would run together on
    /// standard output, which no reader of one JSON, env or YAML document splits.
    static func sharedStandardOutput(_ outputs: [OutputDraft], inOrder order: [Int]) -> [Diagnostic] {
        var first: OutputDraft?
        var diagnostics: [Diagnostic] = []
        for index in order where outputs[index].spec.isStandardOutput {
            let output = outputs[index]
            guard let first else {
                first = output
                continue
            }
            diagnostics.append(
                Diagnostic(
                    .warning,
                    "this output also goes to standard output (`-`), as does the output at \(first.location); their contents would run together there, so write all but one to a file",
                    at: output.location, keyPath: output.keyPath
                ))
        }
        return diagnostics
    }
}
