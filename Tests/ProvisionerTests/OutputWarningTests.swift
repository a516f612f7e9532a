import Foundation
import Provisioner
import Testing

/// Validation warnings about where tokens end up: clients written nowhere,
/// output modes that open token files to others, several outputs on `-`.
@Suite("Output warnings")
struct OutputWarningTests {
    static let header = """
        version: 1
        issuers:
          corp: {issuer: https://sso.example.com}
        clients:

        """

    static func client(_ name: String, _ extra: String = "") -> String {
        "  - {name: \(name), issuer: corp, client_id: \(name), auth: {method: client_secret_basic, secret: \"${S}\"}\(extra)}\n"
    }

    static func load(_ text: String) throws -> ManifestLoadResult {
        ManifestTestSupport.load(text, in: try ManifestTestSupport.temporaryFolder(), environment: ["S": "x"])
    }

    @Test("a client with no outputs and no aggregate output: a warning at its name (an error under --strict)")
    func clientWrittenNowhere() throws {
        let result = try Self.load(Self.header + Self.client("quiet") + Self.client("loud", ", outputs: [{env: loud.env}]"))
        #expect(
            ManifestTestSupport.lines(result) == [
                "5:12: warning: client `quiet` has no `outputs` and no top-level `outputs` holds it, so its token would be written nowhere; give it `outputs` (e.g. `outputs: [{env: quiet.env}]`) or add a top-level `outputs` list"
            ])
        #expect(result.manifest != nil)
        #expect(ValidationOutput.exitStatus(for: result, strict: false) == 0)
        #expect(ValidationOutput.exitStatus(for: result, strict: true) == 2)

        let covered = try Self.load(Self.header + Self.client("quiet") + "outputs:\n  - json: all.json\n")
        #expect(covered.diagnostics.isEmpty)

        // With an error (here a misspelt `outputs`), the error alone is reported.
        let misspelt = try Self.load(Self.header + Self.client("quiet", ", output: [{env: quiet.env}]"))
        #expect(ManifestTestSupport.lines(misspelt).count == 1)
        #expect(misspelt.diagnostics.allSatisfy { $0.severity == .error })
    }

    @Test(
        "output modes giving group write or any access to others warn at the mode; 0600, 0640 and 0400 do not",
        arguments: [
            ("0666", "the group write and others read and write"), ("0777", "the group write and others read and write and execute"),
            ("0644", "others read"), ("0660", "the group write"), ("0602", "others write"), ("0601", "others execute"),
            ("0600", nil), ("0640", nil), ("0400", nil), ("0750", nil),
        ] as [(String, String?)])
    func unsafeModes(mode: String, who: String?) throws {
        let result = try Self.load(Self.header + Self.client("a", ", outputs: [{env: a.env, mode: \"\(mode)\"}]"))
        if let who {
            let column = Self.client("a").count - 2 + ", outputs: [{env: a.env, mode: ".count + 1
            #expect(
                ManifestTestSupport.lines(result) == [
                    "5:\(column): warning: output `mode` \(mode) lets \(who) a file that holds access tokens; use 0600, or 0640 to let one group read it"
                ])
            #expect(result.manifest != nil)
        } else {
            #expect(result.diagnostics.isEmpty, "\(ManifestTestSupport.lines(result))")
        }
    }

    @Test("a mode on an output to standard output does not warn (no file is made)")
    func standardOutputMode() throws {
        let result = try Self.load(Self.header + Self.client("a", ", outputs: [{json: \"-\", mode: \"0644\"}]"))
        #expect(result.diagnostics.isEmpty, "\(ManifestTestSupport.lines(result))")
    }

    @Test("more than one output to `-`: a warning at each after the first, naming the first")
    func severalStandardOutputs() throws {
        let text =
            Self.header
            + Self.client("a", ", outputs: [{json: \"-\"}]")
            + Self.client("b", ", outputs: [{env: \"-\"}]")
            + "outputs:\n  - kubernetes_secret: \"-\"\n  - json: all.json\n"
        let result = try Self.load(text)
        let first = Self.client("a").count - 2 + ", outputs: [{json: ".count + 1
        let second = Self.client("b").count - 2 + ", outputs: [{env: ".count + 1
        let message =
            "also goes to standard output (`-`), as does the output at manifest.yaml:5:\(first); their contents would run together there, so write all but one to a file"
        #expect(
            ManifestTestSupport.lines(result) == [
                "6:\(second): warning: this output \(message)",
                "8:24: warning: this output \(message)",
            ])
        let single = try Self.load(Self.header + Self.client("a", ", outputs: [{json: \"-\"}]"))
        #expect(single.diagnostics.isEmpty, "\(ManifestTestSupport.lines(single))")
    }
}
