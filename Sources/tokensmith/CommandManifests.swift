import Foundation
import Provisioner

/// What `run`, `watch` and `exec` do before any request: load and check the
/// manifests, print their diagnostics, and find the token cache.
enum CommandManifests {
    /// The name of the token cache in the first manifest's output root.
    static let stateFileName = ".tokensmith-state.json"

    /// Loads `paths` (sharded when `shard` is set) and prints their
    /// diagnostics as `global` asks; nil when they hold an error.
    /// `expectsOutputs` is false for `exec`, whose tokens reach its program
    /// through the environment, so a client without outputs is not warned about.
    static func load(
        _ paths: [String], global: GlobalOptions, shard: Shard?, environment: [String: String], expectsOutputs: Bool = true
    ) -> Manifest? {
        var loader = ManifestLoader(environment: environment, outputRoot: global.outputRoot)
        loader.shard = shard
        loader.expectsOutputs = expectsOutputs
        let loaded = loader.load(paths: paths)
        let rendered = ValidationOutput.render(loaded, json: global.logFormat == .json, includeWarnings: !global.quiet)
        if !rendered.isEmpty { StandardErrorLock.write(rendered + "\n") }
        guard let manifest = loaded.manifest, loaded.errorCount == 0 else { return nil }
        return manifest
    }

    /// The token cache: none with `--no-state`, `--state-file` as given, or
    /// `.tokensmith-state.json` in the first manifest's output root.
    static func statePath(stateFile: String?, noState: Bool, manifest: Manifest) -> String? {
        if noState { return nil }
        if let stateFile { return URL(fileURLWithPath: stateFile).standardizedFileURL.path }
        return manifest.files.first.map { URL(fileURLWithPath: $0.outputRoot).appendingPathComponent(stateFileName).path }
    }
}
