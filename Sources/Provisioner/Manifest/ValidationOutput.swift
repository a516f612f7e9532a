/// How `tokensmith validate` renders diagnostics and chooses its exit status;
/// kept here so the executable stays a thin shell.
package enum ValidationOutput {
    /// The exit status of a validate run: 2 with errors, or with warnings under `strict`; else 0.
    package static func exitStatus(for result: ManifestLoadResult, strict: Bool) -> Int32 {
        result.errorCount > 0 || (strict && result.warningCount > 0) ? 2 : 0
    }

    /// The diagnostics as text: compiler-style blocks, or one JSON object per line.
    ///
    /// - Parameters:
    ///   - json: one JSON object per diagnostic instead of text.
    ///   - includeWarnings: false keeps errors only (`--quiet`).
    package static func render(_ result: ManifestLoadResult, json: Bool, includeWarnings: Bool = true) -> String {
        result.diagnostics
            .filter { includeWarnings || $0.severity == .error }
            .map { json ? $0.jsonLine : $0.description }
            .joined(separator: "\n")
    }
}
