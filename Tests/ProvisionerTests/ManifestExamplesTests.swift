import Foundation
import OAuthClient
import Provisioner
import Testing

@Suite("Example manifests")
struct ManifestExamplesTests {
    @Test("every example validates clean", arguments: ManifestTestSupport.exampleNames)
    func clean(name: String) throws {
        let examples = try ManifestTestSupport.examplesCopy()
        let loader = ManifestLoader(environment: [:], currentDirectory: examples.path)
        let result = loader.load(paths: [name])
        #expect(result.diagnostics.map(\.summary) == [])
        let manifest = try #require(result.manifest)
        #expect(!manifest.clients.isEmpty)
        #expect(manifest.clients.allSatisfy { $0.fingerprint.count == 64 })
        // A client whose credentials failed to load would hold `none`; no example uses it.
        #expect(manifest.clients.allSatisfy { $0.authMethod != .none })
    }

    @Test("the fleet example shares blocks through anchors and merge keys")
    func fleet() throws {
        let examples = try ManifestTestSupport.examplesCopy()
        let manifest = try ManifestLoader(environment: ["CATALOG_SECRET": "from-env"], currentDirectory: examples.path)
            .loadManifest(paths: ["fleet.yaml"])
        let catalog = try #require(manifest.client(named: "catalog"))
        #expect(catalog.issuerName == "corp")
        #expect(catalog.authMethod == .clientSecretBasic)
        #expect(catalog.authentication.sharedSecret == "from-env")
        #expect(catalog.scope == ["catalog:read", "profile:read"])
        #expect(catalog.settings.timeout == .seconds(5))
        #expect(catalog.settings.retry.attempts == 6)
        #expect(catalog.settings.renewBefore == .seconds(900))
        #expect(manifest.client(named: "recommendations")?.settings.renewBefore == .seconds(1800))
        let partner = try #require(manifest.client(named: "partner-feed"))
        #expect(partner.settings.retry == RetryPolicy(attempts: 2, initialBackoff: .milliseconds(250), maxBackoff: .seconds(30)))
    }

    @Test("the quickstart follows ISSUER_PORT")
    func quickstartPort() throws {
        let examples = try ManifestTestSupport.examplesCopy()
        let manifest = try ManifestLoader(environment: ["ISSUER_PORT": "9443"], currentDirectory: examples.path)
            .loadManifest(paths: ["quickstart.yaml"])
        #expect(manifest.issuers.first?.endpoint.issuer?.absoluteString == "http://127.0.0.1:9443")
        #expect(manifest.outputs.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["tokens.json", "all.env", "secrets.yaml"])
    }

    @Test("an example key readable by others earns a warning (git does not keep modes)")
    func looseKeyWarns() throws {
        let examples = try ManifestTestSupport.examplesCopy()
        let key = examples.appendingPathComponent("keys/example-okta-es256.pem").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let result = ManifestLoader(environment: [:], currentDirectory: examples.path).load(paths: ["okta.yaml"])
        #expect(
            result.diagnostics.map(\.summary) == [
                "okta.yaml:16:17: warning: `keys/example-okta-es256.pem` is readable by group or others (mode 0644); restrict it with `chmod 600`"
            ])
    }
}
