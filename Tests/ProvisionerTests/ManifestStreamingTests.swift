import Foundation
import Provisioner
import Testing

/// The loader decodes each client as the parser hands it over; what users see must not depend on that.
@Suite("Manifest clients decoded while parsing")
struct ManifestStreamingTests {
    private static let head = """
        version: 1
        issuers:
          corp: {token_endpoint: "https://sso.example.com/token"}

        """

    @Test("a YAML syntax error after clients with mistakes reports the syntax error alone")
    func syntaxErrorAfterBadClients() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text =
            Self.head + """
                clients:
                  - {name: Bad, issuer: corp, client_id: a, auth: {method: client_secret_basic, secret: s}}
                  - {name: b, issuer: corp, client_id: b, auth: {method: nope, secret: s}}
                  - {name: c, issuer: corp, client_id: [c
                """
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(result.manifest == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.line == 8)
        #expect(!result.diagnostics.contains { $0.message.contains("Bad") || $0.message.contains("nope") })
    }

    @Test("clients from an anchored list, or after the outputs, load as the same manifest")
    func sameManifestWhateverTheShape() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let clients = """
              - {name: a, issuer: corp, client_id: a, auth: {method: client_secret_basic, secret: s}, outputs: [{env: a.env}]}
              - {name: b, issuer: corp, client_id: b, auth: {method: client_secret_post, secret: t}, outputs: [{env: b.env}]}
            """
        let streamed = ManifestTestSupport.load(Self.head + "clients:\n" + clients + "\noutputs: [{json: all.json}]\n", in: folder)
        let anchored = ManifestTestSupport.load(
            Self.head + "outputs: [{json: all.json}]\nclients: &all\n" + clients + "\nx-copy: *all\n", in: folder)
        let first = try #require(streamed.manifest)
        let second = try #require(anchored.manifest)
        #expect(first.clients.map(\.name) == ["a", "b"])
        #expect(first.clients.map(\.fingerprint) == second.clients.map(\.fingerprint))
        #expect(first.clients.map { $0.outputs.map(\.path) } == second.clients.map { $0.outputs.map(\.path) })
        #expect(first.outputs.map(\.path) == second.outputs.map(\.path))
    }

    @Test("mistakes in many clients are all reported, in file order, with their key paths")
    func mistakesInOrder() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        var text = Self.head + "clients:\n"
        for index in 0..<50 {
            let method = index % 10 == 3 ? "client_secret_bsic" : "client_secret_basic"
            text +=
                "  - {name: c\(index), issuer: corp, client_id: c\(index), auth: {method: \(method), secret: s}, outputs: [{env: c\(index).env}]}\n"
        }
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(result.manifest == nil)
        #expect(result.diagnostics.map(\.keyPath) == [3, 13, 23, 33, 43].map { "clients[\($0)].auth.method" })
        #expect(result.diagnostics.map(\.line) == [3, 13, 23, 33, 43].map { $0 + 5 })
        #expect(result.diagnostics.allSatisfy { $0.message.contains("did you mean `client_secret_basic`?") })
    }
}
