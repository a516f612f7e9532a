/// Everything a load found: the manifest when it is usable, and every diagnostic.
public struct ManifestLoadResult: Sendable {
    /// The manifest; nil when any error was found (warnings alone keep it).
    public var manifest: Manifest?
    /// Errors and warnings, sorted by file (command-line order), line and column.
    public var diagnostics: [Diagnostic]
    /// How many manifest files were given.
    public var fileCount: Int
    /// How many client entries the files hold (valid or not).
    public var clientCount: Int

    /// Creates a result.
    public init(manifest: Manifest?, diagnostics: [Diagnostic], fileCount: Int, clientCount: Int) {
        self.manifest = manifest
        self.diagnostics = diagnostics
        self.fileCount = fileCount
        self.clientCount = clientCount
    }

    /// The number of errors.
    public var errorCount: Int { diagnostics.lazy.filter { $0.severity == .error }.count }
    /// The number of warnings.
    public var warningCount: Int { diagnostics.lazy.filter { $0.severity == .warning }.count }

    /// `2 manifests, 37 clients, 0 errors, 1 warning`.
    public var summary: String {
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        return [
            counted(fileCount, "manifest"), counted(clientCount, "client"),
            counted(errorCount, "error"), counted(warningCount, "warning"),
        ].joined(separator: ", ")
    }
}

/// A manifest that cannot be used, with every diagnostic (warnings included).
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// The diagnostics, sorted.
    public var diagnostics: [Diagnostic]

    /// Creates the error.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Every diagnostic rendered compiler-style, one after another.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
