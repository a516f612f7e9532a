import Foundation
import YAMLKit

/// Reads, validates and merges manifests into a ``Manifest``.
///
/// Everything a user can fix in the manifest is found here, before any network
/// request, and reported all at once as ``Diagnostic`` values. The environment
/// is passed in so `${VAR}` expansion is deterministic in tests.
package struct ManifestLoader: Sendable {
    /// The variables `${VAR}` expands from.
    package var environment: [String: String]
    /// The folder output paths resolve against and must stay inside; each
    /// manifest's own folder when nil (`--output-root`).
    package var outputRoot: String?
    /// The folder relative manifest and output-root paths resolve against.
    package var currentDirectory: String
    /// Whether each client gets its ``ClientDefinition/fingerprint`` (hashing
    /// its secret and key files); `validate` needs none and leaves them empty.
    package var computesFingerprints = true
    /// The shard of a `--shard`/`--shard-count` run, nil otherwise. It
    /// defines `${TOKENSMITH_SHARD}` as the shard index (and only then), and
    /// every file-backed aggregate output path must depend on it, since each
    /// shard writes its own clients there.
    package var shard: Shard?
    /// False for `validate --no-secrets` (CI before the secrets are there):
    /// `${VAR}` references in `secret` values need not be set, and
    /// `secret_file` and `key_file` paths are checked as paths, not read.
    /// A manifest loaded so cannot be run: ``load(paths:)`` reports every
    /// other problem but returns no manifest.
    package var resolvesSecrets = true
    /// False for `exec`, which hands every token to its program through the
    /// environment: a client without outputs is then no mistake, so the
    /// "written nowhere" warning is left out.
    package var expectsOutputs = true

    /// Creates a loader.
    ///
    /// - Parameters:
    ///   - environment: usually `ProcessInfo.processInfo.environment`.
    ///   - outputRoot: the `--output-root` folder, if given.
    ///   - currentDirectory: defaults to the process's working folder.
    package init(environment: [String: String], outputRoot: String? = nil, currentDirectory: String? = nil) {
        self.environment = environment
        self.outputRoot = outputRoot
        self.currentDirectory = currentDirectory ?? FileManager.default.currentDirectoryPath
    }

    /// Reads manifest files from disk and validates them together; `-` reads
    /// one manifest from standard input (named `<stdin>`, its relative paths
    /// resolving against ``currentDirectory``).
    package func load(paths: [String]) -> ManifestLoadResult {
        var sources: [ManifestSource] = []
        var readFailures: [Diagnostic] = []
        var readStandardInput = false
        for path in paths {
            if path == StandardInputManifest.argument {
                let location = SourceLocation(file: StandardInputManifest.name, line: 1, column: 1)
                if readStandardInput {
                    readFailures.append(
                        Diagnostic(
                            .error, "standard input (-) can give only one manifest; name the others as files", at: location, keyPath: ""))
                    continue
                }
                readStandardInput = true
                switch StandardInputManifest.read() {
                case .success(let source): sources.append(source)
                case .failure(let failure): readFailures.append(Diagnostic(.error, failure.message, at: location, keyPath: ""))
                }
                continue
            }
            let absolute = PathResolution.resolve(path, against: currentDirectory)
            let failure: String?
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
                failure = "no such manifest file"
            } else if isDirectory.boolValue {
                failure = "this is a folder; give the manifest file"
            } else if let size = (try? FileManager.default.attributesOfItem(atPath: absolute))?[.size] as? NSNumber,
                size.intValue > ParserLimits().maxInputBytes
            {
                // Refused before reading: a huge file must not cost its size in memory.
                failure =
                    "the manifest is \(size.intValue) bytes, over the limit of \(ParserLimits().maxInputBytes) bytes; split it into several files"
            } else if let data = FileManager.default.contents(atPath: absolute) {
                let attributes = try? FileManager.default.attributesOfItem(atPath: absolute)
                let mode = (attributes?[.posixPermissions] as? NSNumber).map { UInt16(truncatingIfNeeded: $0.intValue) & 0o7777 }
                sources.append(ManifestSource(path: path, bytes: [UInt8](data), mode: mode))
                failure = nil
            } else {
                failure = "the manifest cannot be read (permission denied)"
            }
            if let failure {
                readFailures.append(Diagnostic(.error, failure, at: SourceLocation(file: path, line: 1, column: 1), keyPath: ""))
            }
        }
        var result = load(sources: sources)
        result.fileCount = paths.count
        if !readFailures.isEmpty {
            result.manifest = nil
            result.diagnostics = readFailures + result.diagnostics
        }
        return result
    }

    /// Validates manifests given as bytes (tests, standard input).
    package func load(sources: [ManifestSource]) -> ManifestLoadResult {
        let inspector = FileInspector()
        let parser = YAMLParser()
        var diagnostics: [Diagnostic] = []
        var fragments: [ManifestFragment] = []
        var secretSpans: [SecretSpan] = []
        let root = outputRoot.map { PathResolution.resolve($0, against: currentDirectory) }
        var environment = environment
        environment[Shard.environmentVariable] = shard.map { String($0.index) }
        for source in sources {
            let absolute = PathResolution.resolve(source.path, against: currentDirectory)
            let directory = PathResolution.directory(of: absolute)
            let record = Manifest.File(path: source.path, directory: directory, outputRoot: root ?? directory)
            let decoder = FileDecoder(
                file: source.path, directory: directory, outputRoot: record.outputRoot, manifestMode: source.mode,
                environment: environment, inspector: inspector
            )
            decoder.resolvesSecrets = resolvesSecrets
            let document: Node?
            do {
                // Each client is decoded as soon as its node is complete and
                // its nodes freed: the file's clients never exist as one tree.
                let documents = try parser.parse(bytes: source.bytes, file: source.path, streamingItemsOf: "clients") {
                    decoder.decodeStreamedClient($0, index: $1)
                }
                if documents.count > 1 {
                    diagnostics.append(
                        Diagnostic(
                            .error, "a manifest holds one YAML document; found \(documents.count), remove the extra `---`",
                            at: SourceLocation(file: source.path, line: documents[1].mark.line, column: documents[1].mark.column),
                            keyPath: ""
                        ))
                }
                document = documents.first
            } catch {
                diagnostics.append(
                    Diagnostic(
                        .error, error.message, at: SourceLocation(file: error.file, line: error.mark.line, column: error.mark.column),
                        keyPath: "", notes: error.notes.map { "\(error.file): note: \($0)" }, sourceLine: error.sourceLine
                    ))
                fragments.append(ManifestFragment(file: record))
                continue
            }
            fragments.append(decoder.decode(document, file: record))
            diagnostics += decoder.diagnostics
            secretSpans += decoder.secretSpans
        }

        let clientCount = fragments.reduce(0) { $0 + $1.clients.count }
        var assembler = ManifestAssembler(computesFingerprints: computesFingerprints)
        let manifest = assembler.assemble(&fragments)
        diagnostics += assembler.diagnostics
        // Whole-manifest judgements, made only once the rest is right: with an
        // error (a misspelt `outputs`, say) they would bury it in noise.
        if !diagnostics.contains(where: { $0.severity == .error }) {
            if manifest.clients.isEmpty, !sources.isEmpty {
                diagnostics.append(
                    Diagnostic(
                        .warning, "the manifest defines no clients; add them under `clients`",
                        at: SourceLocation(file: sources[0].path, line: 1, column: 1), keyPath: "clients"
                    ))
            }
            if expectsOutputs { diagnostics += ManifestAssembler.clientsWrittenNowhere(assembler.writtenNowhere) }
        }

        diagnostics = Self.sortedUnique(diagnostics, order: sources.map(\.path))
        Self.attachSourceLines(&diagnostics, sources: sources, masking: secretSpans)
        let clean = !diagnostics.contains { $0.severity == .error }
        return ManifestLoadResult(
            manifest: clean && resolvesSecrets ? manifest : nil, diagnostics: diagnostics, fileCount: sources.count,
            clientCount: clientCount
        )
    }

    /// Loads and validates, throwing every diagnostic when there is an error.
    ///
    /// Warnings do not throw; read them from ``load(paths:)`` when they matter.
    package func loadManifest(paths: [String]) throws(ManifestError) -> Manifest {
        let result = load(paths: paths)
        guard let manifest = result.manifest else { throw ManifestError(diagnostics: result.diagnostics) }
        return manifest
    }

    /// Sorted by file (in the given order), line, column; exact repeats dropped
    /// (an anchor used by many clients reports its mistake once).
    static func sortedUnique(_ diagnostics: [Diagnostic], order: [String]) -> [Diagnostic] {
        var rank: [String: Int] = [:]
        for (index, path) in order.enumerated() where rank[path] == nil { rank[path] = index }
        var seen: Set<String> = []
        let unique = diagnostics.filter { seen.insert("\($0.severity)\u{0}\($0.location)\u{0}\($0.message)").inserted }
        return unique.enumerated().sorted { lhs, rhs in
            let left = (rank[lhs.element.file] ?? Int.max, lhs.element.line, lhs.element.column, lhs.offset)
            let right = (rank[rhs.element.file] ?? Int.max, rhs.element.line, rhs.element.column, rhs.offset)
            return left < right
        }.map(\.element)
    }

    /// Fills in the source line of each diagnostic for the caret display, with
    /// secret values masked.
    static func attachSourceLines(_ diagnostics: inout [Diagnostic], sources: [ManifestSource], masking spans: [SecretSpan]) {
        // A clean manifest has nothing to show; its secret spans are not indexed.
        guard !diagnostics.isEmpty else { return }
        var lines: [String: SourceText] = [:]
        var spansByLine: [String: [SecretSpan]] = [:]
        let files = Set(diagnostics.map(\.file))
        let extra = sources.filter { files.contains($0.path) }.flatMap(SecretMasking.spans(in:))
        for span in Set(spans + extra) {
            for line in span.line..<(span.line + span.lineCount) { spansByLine["\(span.file)\u{0}\(line)", default: []].append(span) }
        }
        for index in diagnostics.indices {
            let file = diagnostics[index].file
            let line = diagnostics[index].line
            if lines[file] == nil, let source = sources.first(where: { $0.path == file }) {
                lines[file] = SourceText(bytes: source.bytes)
            }
            guard let text = diagnostics[index].sourceLine ?? lines[file]?.line(line) else { continue }
            let masked = (spansByLine["\(file)\u{0}\(line)"] ?? []).reduce(text) { $1.mask($0, file: file, line: line) }
            diagnostics[index].sourceLine = SecretMasking.maskLexically(masked, number: line, in: lines[file])
        }
    }
}
