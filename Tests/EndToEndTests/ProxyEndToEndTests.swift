import Foundation
import LocalIssuer
import Testing

/// Outbound proxies end to end: the built binary, LocalIssuers on loopback
/// (https, mTLS and plain http) and a real tinyproxy between them.
@Suite(
    "tokensmith through an HTTP proxy (built binary, tinyproxy)", .enabled(if: TinyProxy.isAvailable, "needs tinyproxy (scripts/bootstrap)")
)
struct ProxyEndToEndTests {
    /// A TLS issuer with an mTLS listener and a plain-http issuer, and a manifest over both.
    struct Setup {
        let harness: RunHarness
        let pki: TestPKI
        let client: TestPKI.Identity

        init() throws {
            harness = try RunHarness()
            pki = try TestPKI()
            client = try pki.makeClientCertificate(commonName: "proxied-mtls")
            try harness.write(pki.certificateAuthority.certificatePEM, to: "ca.pem")
            try harness.write(client.certificatePEM, to: "client.crt")
            try harness.write(client.privateKeyPEM, to: "client.key")
        }

        var configurations: [LocalIssuer.Configuration] {
            [
                LocalIssuer.Configuration(
                    tls: pki.serverTLS, mutualTLS: .init(clientCAPEM: pki.certificateAuthority.certificatePEM),
                    clients: [
                        RegisteredClient(id: "secure", authentication: .clientSecretBasic(secret: "s")),
                        RegisteredClient(id: "mtls", authentication: .tlsClientAuth(subject: client.subject)),
                    ]),
                LocalIssuer.Configuration(clients: [RegisteredClient(id: "plain", authentication: .clientSecretBasic(secret: "s"))]),
            ]
        }

        /// `secure` and `mtls` on the TLS issuer, `plain` on the http one; `proxy` lines go into the issuers.
        func manifest(_ issuers: [LocalIssuer], secureProxy: String? = nil, plainProxy: String? = nil) -> String {
            """
            version: 1
            defaults:
              retry: {attempts: 1}
            issuers:
              tls:
                issuer: \(issuers[0].issuer)
                ca_file: ca.pem
            \(secureProxy.map { "    proxy: \($0)" } ?? "")
              plain:
                issuer: \(issuers[1].issuer)
                allow_insecure_http: true
            \(plainProxy.map { "    proxy: \($0)" } ?? "")
            clients:
              - {name: secure, issuer: tls, client_id: secure, auth: {method: client_secret_basic, secret: s}}
              - {name: mtls, issuer: tls, client_id: mtls, auth: {method: tls_client_auth, certificate_file: client.crt, key_file: client.key}}
              - {name: plain, issuer: plain, client_id: plain, auth: {method: client_secret_basic, secret: s}}
            outputs:
              - json: tokens.json

            """
        }
    }

    static func port(_ url: String) -> Int { URLComponents(string: url)?.port ?? 0 }

    @Test("HTTPS_PROXY and HTTP_PROXY: discovery and grants (https, mTLS, http) go through CONNECT tunnels")
    func environmentProxies() async throws {
        let setup = try Setup()
        let proxy = try await TinyProxy(folder: setup.harness.folder)
        defer { proxy.stop() }
        try await withIssuers(setup.configurations) { issuers in
            // Stopped before the issuers, whose shutdown waits for the tunnels the proxy holds open.
            defer { proxy.stop() }
            try setup.harness.write(setup.manifest(issuers), to: "m.yaml")
            let url = "http://127.0.0.1:\(proxy.port)"
            let result = try await setup.harness.run(
                ["run", "m.yaml", "--report", "report.json"], environment: ["HTTPS_PROXY": url, "http_proxy": url])
            #expect(result.status == 0, "stderr: \(result.standardError)\nproxy log:\n\(proxy.log())")
            #expect(proxy.tunnels(toPort: Self.port(issuers[0].issuer)) >= 1, "proxy log:\n\(proxy.log())")
            #expect(proxy.tunnels(toPort: Self.port(issuers[1].issuer)) >= 1, "proxy log:\n\(proxy.log())")
            // The mTLS token endpoint is the third port the proxy tunnelled to.
            let ports = Set(
                proxy.log().components(separatedBy: "\n").compactMap { line -> Int? in
                    guard let range = line.range(of: "CONNECT 127.0.0.1:") else { return nil }
                    return Int(line[range.upperBound...].prefix { $0.isNumber })
                })
            #expect(ports.count == 3, "tunnels to \(ports.sorted())")
            #expect(issuers[0].statistics().discoveryRequests == 1 && issuers[1].statistics().discoveryRequests == 1)
            let tokens = setup.harness.read("tokens.json") ?? ""
            #expect(["secure", "mtls", "plain"].allSatisfy { tokens.contains("\"\($0)\"") }, "tokens.json: \(tokens)")
        }
    }

    @Test("NO_PROXY naming an issuer's host and port sends that issuer direct")
    func noProxy() async throws {
        let setup = try Setup()
        let proxy = try await TinyProxy(folder: setup.harness.folder)
        defer { proxy.stop() }
        try await withIssuers(setup.configurations) { issuers in
            // Stopped before the issuers, whose shutdown waits for the tunnels the proxy holds open.
            defer { proxy.stop() }
            try setup.harness.write(setup.manifest(issuers), to: "m.yaml")
            let url = "http://127.0.0.1:\(proxy.port)"
            let plainPort = Self.port(issuers[1].issuer)
            let result = try await setup.harness.run(
                ["run", "m.yaml"], environment: ["HTTPS_PROXY": url, "HTTP_PROXY": url, "NO_PROXY": "example.com, 127.0.0.1:\(plainPort)"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(proxy.tunnels(toPort: plainPort) == 0, "proxy log:\n\(proxy.log())")
            #expect(proxy.tunnels(toPort: Self.port(issuers[0].issuer)) >= 1, "proxy log:\n\(proxy.log())")
        }
    }

    @Test("`proxy: none` overrides the environment; `proxy: URL` applies without any variable")
    func issuerOverride() async throws {
        let setup = try Setup()
        let proxy = try await TinyProxy(folder: setup.harness.folder)
        defer { proxy.stop() }
        try await withIssuers(setup.configurations) { issuers in
            // Stopped before the issuers, whose shutdown waits for the tunnels the proxy holds open.
            defer { proxy.stop() }
            let url = "http://127.0.0.1:\(proxy.port)"
            try setup.harness.write(setup.manifest(issuers, secureProxy: "none", plainProxy: url), to: "m.yaml")
            // The environment's proxy is a closed port: anything sent through it would fail.
            let result = try await setup.harness.run(["run", "m.yaml"], environment: ["HTTPS_PROXY": "http://127.0.0.1:9"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(proxy.tunnels(toPort: Self.port(issuers[0].issuer)) == 0, "proxy log:\n\(proxy.log())")
            #expect(proxy.tunnels(toPort: Self.port(issuers[1].issuer)) >= 1, "proxy log:\n\(proxy.log())")
        }
    }

    @Test("proxy credentials from the URL work; a wrong password fails naming issuer and proxy, never printing the password")
    func proxyAuthentication() async throws {
        let setup = try Setup()
        let proxy = try await TinyProxy(folder: setup.harness.folder, basicAuth: ("alice", "Opensesame42"))
        defer { proxy.stop() }
        try await withIssuers(setup.configurations) { issuers in
            // Stopped before the issuers, whose shutdown waits for the tunnels the proxy holds open.
            defer { proxy.stop() }
            // From the manifest, the password through ${VAR}.
            try setup.harness.write(
                setup.manifest(
                    issuers, secureProxy: "http://alice:${PROXY_PASSWORD}@127.0.0.1:\(proxy.port)",
                    plainProxy: "http://alice:${PROXY_PASSWORD}@127.0.0.1:\(proxy.port)"), to: "m.yaml")
            let good = try await setup.harness.run(["run", "m.yaml"], environment: ["PROXY_PASSWORD": "Opensesame42"])
            #expect(good.status == 0, "stderr: \(good.standardError)\nproxy log:\n\(proxy.log())")
            #expect(proxy.tunnels(toPort: Self.port(issuers[0].issuer)) >= 1)

            // From the environment, wrong.
            try setup.harness.write(setup.manifest(issuers), to: "env.yaml")
            let wrong = "http://alice:Wr0ngPassw0rd@127.0.0.1:\(proxy.port)"
            let bad = try await setup.harness.run(
                ["run", "env.yaml", "--force", "--report", "report.json", "--metrics-file", "m.prom"],
                environment: ["HTTPS_PROXY": wrong, "HTTP_PROXY": wrong])
            #expect(bad.status != 0)
            let report = setup.harness.read("report.json") ?? ""
            let metrics = setup.harness.read("m.prom") ?? ""
            for text in [bad.standardOutput, bad.standardError, report, metrics] {
                #expect(!text.contains("Wr0ngPassw0rd"))
                #expect(!text.contains("alice:"))
            }
            #expect(bad.standardError.contains("127.0.0.1:\(proxy.port)"), "stderr: \(bad.standardError)")
            #expect(bad.standardError.contains("user name and password"), "stderr: \(bad.standardError)")
            #expect(bad.standardError.contains("`tls`") && bad.standardError.contains("`plain`"), "stderr: \(bad.standardError)")
            #expect(report.contains("127.0.0.1:\(proxy.port)"))

            // A literal password in the manifest stays out of `validate` and of diagnostics.
            try setup.harness.write(
                setup.manifest(
                    issuers, secureProxy: "http://alice:Opensesame42@127.0.0.1:\(proxy.port)", plainProxy: "ftp://alice:Opensesame42@x")
                    + "unknown_key: 1\n", to: "literal.yaml")
            let validate = try await setup.harness.run(["validate", "literal.yaml"])
            #expect(validate.status != 0)
            #expect(!validate.standardOutput.contains("Opensesame42") && !validate.standardError.contains("Opensesame42"))
            #expect(validate.standardError.contains("proxy") && validate.standardError.contains("ftp://"), "\(validate.standardError)")
        }
    }

    @Test("exec --watch renews through the issuer's `proxy:` as its first batch did, with one discovery")
    func execWatchRenewals() async throws {
        let harness = try RunHarness()
        let proxy = try await TinyProxy(folder: harness.folder)
        defer { proxy.stop() }
        let short = RegisteredClient(id: "short", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3)
        try await withIssuers([LocalIssuer.Configuration(clients: [short])]) { issuers in
            // Stopped before the issuers, whose shutdown waits for the tunnels the proxy holds open.
            defer { proxy.stop() }
            try harness.write(
                """
                version: 1
                defaults:
                  renew_before: 10m
                  retry: {attempts: 1}
                issuers:
                  local:
                    issuer: \(issuers[0].issuer)
                    allow_insecure_http: true
                    proxy: http://127.0.0.1:\(proxy.port)
                clients:
                  - {name: short, issuer: local, client_id: short, auth: {method: client_secret_basic, secret: s}}

                """, to: "m.yaml")
            let script = "trap 'exit 0' TERM; echo start >> events.log; while kill -0 $PPID 2>/dev/null; do sleep 0.1; done"
            let result = try await harness.run(
                ["exec", "--watch", "m.yaml", "--no-state", "--", "/bin/bash", "-c", script],
                duringProcess: { errors, pid in
                    // Two renewals, or the first failed one.
                    while !errors.finished {
                        let text = errors.textSoFar()
                        if text.contains("renewal failed") || text.components(separatedBy: "restarted the program").count > 2 { break }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    // Each program logs `start` once its TERM trap is set; a signal
                    // sent before that ends it by the signal (status 143), not by the trap.
                    let restarts = errors.textSoFar().components(separatedBy: "restarted the program").count - 1
                    if !errors.textSoFar().contains("renewal failed") {
                        try await ExecWatchEndToEndTests.waitForEvent("start", count: restarts + 1, harness: harness, errors: errors)
                    }
                    kill(pid, SIGTERM)
                })
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(!result.standardError.contains("renewal failed"), "stderr: \(result.standardError)")
            #expect(result.standardError.components(separatedBy: "restarted the program").count > 2, "stderr: \(result.standardError)")
            #expect(issuers[0].statistics().discoveryRequests == 1)
            #expect((issuers[0].statistics().tokensIssuedByClient["short"] ?? 0) >= 3)
            #expect(proxy.tunnels(toPort: Self.port(issuers[0].issuer)) >= 1, "proxy log:\n\(proxy.log())")
        }
    }

    @Test("`tokensmith token` takes HTTPS_PROXY too, and NO_PROXY; a malformed variable is an error naming it")
    func tokenCommand() async throws {
        let setup = try Setup()
        let proxy = try await TinyProxy(folder: setup.harness.folder)
        defer { proxy.stop() }
        try await withIssuers(setup.configurations) { issuers in
            defer { proxy.stop() }
            let base = ["token", "--issuer", issuers[0].issuer, "--ca-file", "ca.pem", "--client-id", "secure", "--client-secret-env", "S"]
            let url = "http://127.0.0.1:\(proxy.port)"
            let proxied = try await setup.harness.run(base, environment: ["S": "s", "HTTPS_PROXY": url])
            #expect(proxied.status == 0, "stderr: \(proxied.standardError)")
            #expect(proxy.tunnels(toPort: Self.port(issuers[0].issuer)) >= 1, "proxy log:\n\(proxy.log())")
            let before = proxy.tunnels(toPort: Self.port(issuers[0].issuer))
            let direct = try await setup.harness.run(base, environment: ["S": "s", "HTTPS_PROXY": url, "no_proxy": "127.0.0.0/8"])
            #expect(direct.status == 0, "stderr: \(direct.standardError)")
            #expect(proxy.tunnels(toPort: Self.port(issuers[0].issuer)) == before)
            let malformed = try await setup.harness.run(
                base, environment: ["S": "s", "https_proxy": "socks5://u:Secr3tPass@127.0.0.1:\(proxy.port)"])
            #expect(malformed.status != 0)
            #expect(
                malformed.standardError.contains("https_proxy") && malformed.standardError.contains("socks5://"),
                "\(malformed.standardError)")
            #expect(!malformed.standardError.contains("Secr3tPass"))
        }
    }
}
