import Foundation
import LocalIssuer
import Testing

@Suite("tls_client_auth and self_signed_tls_client_auth, with curl")
struct MutualTLSTests {
    @Test("The certificate must chain to the client CA and match the subject, or equal the registered self-signed one")
    func mutualTLS() async throws {
        let pki = try TestPKI()
        let otherPKI = try TestPKI(caCommonName: "someone else's CA")
        let agent = try pki.makeClientCertificate(commonName: "agent")
        let intruder = try pki.makeClientCertificate(commonName: "intruder")
        let foreignAgent = try otherPKI.makeClientCertificate(commonName: "agent")
        let robot = try TestPKI.makeSelfSignedCertificate(commonName: "robot")
        let otherRobot = try TestPKI.makeSelfSignedCertificate(commonName: "robot")

        let folder = try TemporaryFolder()
        let ca = try folder.write("ca.pem", pki.certificateAuthority.certificatePEM)
        func files(_ name: String, _ identity: TestPKI.Identity) throws -> [String] {
            [
                "--cert", try folder.write("\(name).pem", identity.certificatePEM), "--key",
                try folder.write("\(name)-key.pem", identity.privateKeyPEM),
            ]
        }
        let configuration = LocalIssuer.Configuration(
            tls: pki.serverTLS,
            mutualTLS: .init(clientCAPEM: pki.certificateAuthority.certificatePEM),
            clients: [
                RegisteredClient(id: "agent", authentication: .tlsClientAuth(subject: "CN=agent")),
                RegisteredClient(id: "agent-dn", authentication: .tlsClientAuth(subject: agent.subject)),
                RegisteredClient(id: "robot", authentication: .selfSignedTLSClientAuth(certificatePEM: robot.certificatePEM)),
            ]
        )
        try await withIssuer(configuration) { issuer in
            let endpoint = try #require(issuer.mtlsTokenEndpoint)
            func post(_ client: String, _ certificate: [String], to url: String? = nil) async throws -> TestResponse {
                try await Subprocess.curl(
                    ["--cacert", ca] + certificate + ["-d", "grant_type=client_credentials", "-d", "client_id=\(client)", url ?? endpoint])
            }
            #expect(try await post("agent", try files("agent", agent)).status == 200)
            #expect(try await post("agent-dn", try files("agent", agent)).status == 200)
            #expect(agent.subject == "CN=agent,O=tokensmith tests")
            #expect(issuer.statistics().authenticationMethodByClient["agent"] == .tlsClientAuth)

            let wrongSubject = try await post("agent", try files("intruder", intruder))
            #expect(wrongSubject.status == 401)
            #expect(wrongSubject.error == "invalid_client")
            let wrongCA = try await post("agent", try files("foreign", foreignAgent))
            #expect(wrongCA.status == 401)
            let noCertificate = try await post("agent", [])
            #expect(noCertificate.status == 401)
            let plainListener = try await post("agent", try files("agent", agent), to: issuer.tokenEndpoint)
            #expect(plainListener.status == 401)

            #expect(try await post("robot", try files("robot", robot)).status == 200)
            #expect(issuer.statistics().authenticationMethodByClient["robot"] == .selfSignedTLSClientAuth)
            #expect(try await post("robot", try files("other-robot", otherRobot)).status == 401)
            #expect(try await post("robot", try files("agent", agent)).status == 401)

            let metadata = try await Subprocess.curl(["--cacert", ca, issuer.issuer + "/.well-known/openid-configuration"])
            let aliases = metadata.json["mtls_endpoint_aliases"] as? [String: Any]
            #expect(aliases?["token_endpoint"] as? String == endpoint)
            let methods = metadata.json["token_endpoint_auth_methods_supported"] as? [String] ?? []
            #expect(methods.contains("tls_client_auth") && methods.contains("self_signed_tls_client_auth"))
        }
    }
}

@Suite("mTLS handshakes while the concurrency pool is busy")
struct MutualTLSBusyPoolTests {
    /// A CI run failed this way: two long synchronous tests held both threads of
    /// the pool, the certificate check waited for one, and curl gave up.
    @Test("The client certificate is checked and answered while every thread of Swift's concurrency pool is blocked")
    func busyPool() async throws {
        let pki = try TestPKI()
        let intruder = try pki.makeClientCertificate(commonName: "intruder")
        let folder = try TemporaryFolder()
        let ca = try folder.write("ca.pem", pki.certificateAuthority.certificatePEM)
        let certificate = try folder.write("intruder.pem", intruder.certificatePEM)
        let key = try folder.write("intruder-key.pem", intruder.privateKeyPEM)
        let configuration = LocalIssuer.Configuration(
            tls: pki.serverTLS,
            mutualTLS: .init(clientCAPEM: pki.certificateAuthority.certificatePEM),
            clients: [RegisteredClient(id: "agent", authentication: .tlsClientAuth(subject: "CN=agent"))]
        )
        try await withIssuer(configuration) { issuer in
            let endpoint = try #require(issuer.mtlsTokenEndpoint)
            let arguments = [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--cacert", ca, "--cert", certificate, "--key", key,
                "-d", "grant_type=client_credentials", "-d", "client_id=agent", endpoint,
            ]
            let (status, output) = try await BusyConcurrencyPool.whileOccupied {
                let process = Process()
                let stdout = Pipe()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
                process.arguments = arguments
                process.standardOutput = stdout
                try process.run()
                let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return (process.terminationStatus, output)
            }
            // curl exits 28 on its own timeout; a checked certificate with the
            // wrong subject is refused by the token endpoint with 401.
            #expect(status == 0)
            #expect(output == "401")
        }
    }
}
