import Foundation
import Testing

@testable import Provisioner

/// Which `notify` actions a batch triggers: a granted client's own outputs,
/// and an aggregate unless that aggregate was not written.
@Suite("notify triggers")
struct NotifyPlanTests {
    static let manifestText = """
        version: 1
        issuers:
          corp: {issuer: "https://sso.example.com"}
        clients:
          - name: billing
            issuer: corp
            client_id: billing-svc
            auth: {method: client_secret_basic, secret: s3cret}
            outputs:
              - env: out/billing.env
                notify: {command: [reload-billing]}
          - name: reports
            issuer: corp
            client_id: reports-svc
            auth: {method: client_secret_basic, secret: s3cret}
        outputs:
          - json: out/all.json
            notify: {command: [reload-all]}
          - json: out/other.json
            notify: {command: [reload-other]}

        """

    static func summary(granted: [String], writeErrors: [WriteFailure]) -> RunSummary {
        RunSummary(
            results: ["billing", "reports"].map { name in
                ClientResult(
                    name: name, issuer: "corp", clientID: name + "-svc", status: granted.contains(name) ? .granted : .skipped)
            },
            duration: 0, interrupted: false, deadlineExceeded: false, writeErrors: writeErrors, filesWritten: 0, filesUnchanged: 0,
            heldBack: false)
    }

    static func commands(_ triggers: [NotifyAction: [String]]) -> [String: [String]] {
        Dictionary(
            uniqueKeysWithValues: triggers.compactMap { action, clients in
                guard case .command(let arguments, _) = action else { return nil }
                return (arguments[0], clients)
            })
    }

    @Test("a granted client triggers its own outputs' actions and every written aggregate's, naming the clients")
    func grantedClients() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let manifest = try #require(ManifestTestSupport.load(Self.manifestText, in: folder, outputRoot: folder.path).manifest)
        let triggers = NotifyPlan.triggers(after: Self.summary(granted: ["reports"], writeErrors: []), manifest: manifest)
        #expect(Self.commands(triggers) == ["reload-all": ["reports"], "reload-other": ["reports"]])
        let both = NotifyPlan.triggers(after: Self.summary(granted: ["billing", "reports"], writeErrors: []), manifest: manifest)
        #expect(
            Self.commands(both) == [
                "reload-billing": ["billing"], "reload-all": ["billing", "reports"], "reload-other": ["billing", "reports"],
            ])
        #expect(NotifyPlan.triggers(after: Self.summary(granted: [], writeErrors: []), manifest: manifest).isEmpty)
    }

    @Test("an aggregate that was not written triggers nothing; another aggregate's failure does not hold it back")
    func failedAggregate() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let manifest = try #require(ManifestTestSupport.load(Self.manifestText, in: folder, outputRoot: folder.path).manifest)
        let allPath = try #require(manifest.outputs.first?.path)
        let otherPath = try #require(manifest.outputs.last?.path)
        // The message deliberately names the other file too: only the failure's own path counts.
        let failure = WriteFailure(.output, "cannot write \(allPath) (beside \(otherPath))", path: allPath)
        let triggers = NotifyPlan.triggers(after: Self.summary(granted: ["billing"], writeErrors: [failure]), manifest: manifest)
        #expect(Self.commands(triggers) == ["reload-billing": ["billing"], "reload-other": ["billing"]])
    }
}
