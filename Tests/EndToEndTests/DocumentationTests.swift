import Foundation
import Testing

/// The repository's user reference stays complete: every key the manifest
/// schema knows is described in docs/manifest.md, and nothing points to notes
/// that are not in the repository.
@Suite("User documentation")
struct DocumentationTests {
    /// Every property name at every level of a JSON Schema: the keys of each
    /// `properties` object, wherever it sits (`$defs`, `anyOf`, `oneOf`, …).
    static func propertyNames(in value: Any) -> Set<String> {
        var names: Set<String> = []
        if let object = value as? [String: Any] {
            if let properties = object["properties"] as? [String: Any] {
                names.formUnion(properties.keys)
            }
            for member in object.values { names.formUnion(propertyNames(in: member)) }
        } else if let array = value as? [Any] {
            for item in array { names.formUnion(propertyNames(in: item)) }
        }
        return names
    }

    @Test("every key of `tokensmith schema` is described in docs/manifest.md")
    func schemaKeysAreDocumented() async throws {
        let harness = try RunHarness()
        let result = try await harness.run(["schema"])
        #expect(result.status == 0, "\(result.standardError)")
        let schema = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
        let keys = Self.propertyNames(in: schema)
        // The schema's own structure, so that the walk cannot pass by finding nothing.
        #expect(keys.isSuperset(of: ["version", "issuers", "clients", "auth", "kubernetes_secret", "attempts"]), "\(keys.sorted())")
        let reference = try String(
            contentsOf: RunHarness.repositoryRoot.appendingPathComponent("docs/manifest.md"), encoding: .utf8)
        let missing = keys.filter { !reference.contains("`\($0)`") }.sorted()
        #expect(missing.isEmpty, "docs/manifest.md does not describe these manifest keys (as `key`): \(missing.joined(separator: ", "))")
    }

    @Test("README, docs, sources, examples and scripts cite only what is in the repository or RFC sections")
    func noReferencesOutsideTheRepository() throws {
        let root = RunHarness.repositoryRoot
        let outside = ["../shared", "design note", "MANIFEST.md", "PROTOCOL.md", "OUTPUTS.md", "ARCHITECTURE.md"]
        var files = ["README.md"]
        for folder in ["docs", "Sources", "examples", "scripts"] {
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let path = enumerator?.nextObject() as? String { files.append("\(folder)/\(path)") }
        }
        var found: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for needle in outside where text.contains(needle) { found.append("\(file): \(needle)") }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }
}
