/// Everything a load found: the manifest when it is usable, and every diagnostic.
package struct ManifestLoadResult: Sendable {
    /// The manifest; nil when any error was found (warnings alone keep it)
    /// or when the load did not resolve secrets.
    package var manifest: Manifest?
    /// Errors and warnings, sorted by file (command-line order), line and column.
    package var diagnostics: [Diagnostic]
    /// How many manifest files were given.
    package var fileCount: Int
    /// How many client entries the files hold (valid or not).
    package var clientCount: Int

    /// Creates a result.
    package init(manifest: Manifest?, diagnostics: [Diagnostic], fileCount: Int, clientCount: Int) {
        self.manifest = manifest
        self.diagnostics = diagnostics
        self.fileCount = fileCount
        self.clientCount = clientCount
    }

    /// The number of errors.
    package var errorCount: Int { diagnostics.lazy.filter { $0.severity == .error }.count }
    /// The number of warnings.
    package var warningCount: Int { diagnostics.lazy.filter { $0.severity == .warning }.count }

    /// `2 manifests, 37 clients, 0 errors, 1 warning`.
    package var summary: String {
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        return [
            counted(fileCount, "manifest"), counted(clientCount, "client"),
            counted(errorCount, "error"), counted(warningCount, "warning"),
        ].joined(separator: ", ")
    }
}

/// A manifest that cannot be used, with every diagnostic (warnings included).
package struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// The diagnostics, sorted.
    package var diagnostics: [Diagnostic]

    /// Creates the error.
    package init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Every diagnostic rendered compiler-style, one after another.
    package var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
