/// The text of one manifest, read from disk or given by a test.
package struct ManifestSource: Sendable {
    /// The path as given; relative `*_file` paths resolve against its folder.
    package var path: String
    /// The raw bytes (UTF-8).
    package var bytes: [UInt8]
    /// The file's permission bits, when known, for the literal-secret warning.
    package var mode: UInt16?

    /// A manifest from bytes.
    package init(path: String, bytes: [UInt8], mode: UInt16? = nil) {
        self.path = path
        self.bytes = bytes
        self.mode = mode
    }

    /// A manifest from text.
    package init(path: String, text: String, mode: UInt16? = nil) {
        self.init(path: path, bytes: Array(text.utf8), mode: mode)
    }
}
