import Foundation
import Provisioner

/// Shared helpers of the manifest tests: the repository root, temporary folders, loading text.
enum ManifestTestSupport {
    /// The package root, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `examples` folder.
    static var examplesFolder: URL { repositoryRoot.appendingPathComponent("examples") }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokensmith-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` inside `folder` with `mode`.
    @discardableResult
    static func write(_ text: String, to name: String, in folder: URL, mode: Int = 0o600) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url
    }

    /// Copies an example key into `folder` as `name`, mode 0600.
    static func copyExampleKey(_ key: String, as name: String, into folder: URL) throws {
        let data = try Data(contentsOf: examplesFolder.appendingPathComponent("keys").appendingPathComponent(key))
        try Data(data).write(to: folder.appendingPathComponent(name))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder.appendingPathComponent(name).path)
    }

    /// Loads one manifest text as `manifest.yaml` in `folder`.
    static func load(
        _ text: String, in folder: URL, environment: [String: String] = [:], mode: UInt16? = nil, outputRoot: String? = nil
    ) -> ManifestLoadResult {
        let loader = ManifestLoader(environment: environment, outputRoot: outputRoot, currentDirectory: folder.path)
        return loader.load(sources: [ManifestSource(path: "manifest.yaml", text: text, mode: mode)])
    }

    /// `line:column: severity: message` of every diagnostic, for compact expectations.
    static func lines(_ result: ManifestLoadResult) -> [String] {
        result.diagnostics.map { "\($0.line):\($0.column): \($0.severity.rawValue): \($0.message)" }
    }

    /// Copies the examples folder (manifests and keys) into a temporary folder with
    /// private keys at mode 0600, since git does not keep file modes.
    static func examplesCopy() throws -> URL {
        let folder = try temporaryFolder()
        let target = folder.appendingPathComponent("examples")
        try FileManager.default.copyItem(at: examplesFolder, to: target)
        let keys = target.appendingPathComponent("keys")
        for name in try FileManager.default.contentsOfDirectory(atPath: keys.path) where name.hasSuffix(".pem") || name.hasSuffix(".key") {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keys.appendingPathComponent(name).path)
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: target.path) where name.hasSuffix(".yaml") {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: target.appendingPathComponent(name).path)
        }
        return target
    }

    /// The example manifests' file names.
    static let exampleNames = [
        "quickstart.yaml", "keycloak.yaml", "auth0.yaml", "entra-id.yaml", "okta.yaml", "fleet.yaml", "templates/tokens.yaml",
    ]
}
