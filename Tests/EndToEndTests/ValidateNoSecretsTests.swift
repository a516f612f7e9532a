import Foundation
import Testing

/// `validate --no-secrets`: a CI job checks a manifest before its secrets exist.
@Suite("validate --no-secrets (built binary)")
struct ValidateNoSecretsTests {
    static let manifest = """
        version: 1
        issuers:
          corp: {token_endpoint: https://sso.example.com/token}
        clients:
          - name: billing
            issuer: corp
            client_id: billing
            auth: {method: client_secret_basic, secret: "${BILLING_SECRET}"}
            outputs: [{env: out/billing.env}]
          - name: reports
            issuer: corp
            client_id: reports
            auth: {method: client_secret_post, secret_file: "${CREDS_DIR}/reports.txt"}
            outputs: [{json: out/reports.json}]
          - name: ledger
            issuer: corp
            client_id: ledger
            auth: {method: private_key_jwt, key_file: keys/ledger.pem}
            dpop: {key_file: keys/dpop.pem}
            outputs: [{json: out/ledger.json}]
          - name: signer
            issuer: corp
            client_id: signer
            auth: {method: client_secret_jwt, secret: "${SIGNER_SECRET}"}
            outputs: [{json: out/signer.json}]

        """

    @Test("unset secret variables and absent secret and key files fail validate, and pass it with --no-secrets")
    func secretsAreCheckedForShapeOnly() async throws {
        let harness = try RunHarness()
        try harness.write(Self.manifest, to: "m.yaml")
        let strict = try await harness.run(["validate", "m.yaml"])
        #expect(strict.status == 2)
        for needle in ["BILLING_SECRET", "CREDS_DIR", "keys/ledger.pem", "keys/dpop.pem", "SIGNER_SECRET"] {
            #expect(strict.standardError.contains(needle), "validate names \(needle)")
        }
        let shapeOnly = try await harness.run(["validate", "m.yaml", "--no-secrets", "--strict"])
        #expect(shapeOnly.status == 0, "stderr: \(shapeOnly.standardError)")
        #expect(shapeOnly.standardOutput.contains("4 clients, 0 errors, 0 warnings"), "\(shapeOnly.standardOutput)")
    }

    @Test("with --no-secrets every other mistake is still an error, a broken ${ in a secret too")
    func otherMistakesStillFail() async throws {
        let harness = try RunHarness()
        let broken = Self.manifest
            .replacingOccurrences(of: "client_id: reports", with: "client_id: reports\n    scopes: x")
            .replacingOccurrences(of: "\"${BILLING_SECRET}\"", with: "\"${BILLING_SECRET\"")
        try harness.write(broken, to: "m.yaml")
        let result = try await harness.run(["validate", "m.yaml", "--no-secrets"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("unknown key `scopes` in a client; did you mean `scope`?"))
        #expect(result.standardError.contains("unterminated `${`"))
    }
}
