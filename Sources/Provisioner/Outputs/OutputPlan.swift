/// The values a run's outputs are planned with: what one client's token is
/// written to, and one rendered file to write. ``OutputBatch`` renders and
/// stages them.
package enum OutputPlan {
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
}
