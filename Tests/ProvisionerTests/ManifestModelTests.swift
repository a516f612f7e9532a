import Foundation
import OAuthClient
import Provisioner
import Testing

@Suite("Manifest model")
struct ManifestModelTests {
    static let base = """
        version: 1
        defaults:
          timeout: 10s
          retry: {attempts: 4, initial_backoff: 250ms, max_backoff: 8s}
          renew_before: 10m
          concurrency: 16
        issuers:
          corp:
            issuer: https://sso.example.com/realms/prod
            max_concurrency: 4
            rate_limit: 100/m
            timeout: 20s
            retry: {attempts: 2}
          auth0:
            token_endpoint: https://tenant.eu.auth0.com/oauth/token
        clients:
          - name: billing
            issuer: corp
            client_id: billing-svc
            auth:
              method: client_secret_basic
              secret: ${BILLING_SECRET:-fallback}
            scope: invoices:read invoices:write
            resource: [https://api.example.com/billing]
            params: {tenant: acme, flag: [a, b]}
            renew_before: 1m30s
            retry: {max_backoff: 1s}
            outputs:
              - env: out/billing.env
                prefix: BILLING_
                flavor: shell
                mode: "0640"
                keys: {access_token: TOKEN}
              - json: "-"
              - kubernetes_secret: out/billing.yaml
                name: billing-token
                namespace: payments
                labels: {team: payments}
          - name: orders
            issuer: auth0
            client_id: "12345"
            auth: {method: client_secret_post, secret: "$${not-a-variable}"}
            audience: https://orders.example.com
        outputs:
          - env: out/all.env
        """

    func load(_ text: String = base, environment: [String: String] = ["BILLING_SECRET": "s3cret"]) throws -> Manifest {
        let folder = try ManifestTestSupport.temporaryFolder()
        let result = ManifestTestSupport.load(text, in: folder, environment: environment)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.summary))")
        return try #require(result.manifest)
    }

    @Test("effective settings merge defaults, issuer and client overrides")
    func effectiveSettings() throws {
        let manifest = try load()
        #expect(manifest.defaults.concurrency == 16)
        let billing = try #require(manifest.client(named: "billing"))
        #expect(billing.settings.timeout == .seconds(20))
        #expect(billing.settings.retry == RetryPolicy(attempts: 2, initialBackoff: .milliseconds(250), maxBackoff: .seconds(1)))
        #expect(billing.settings.renewBefore == .seconds(90))
        let orders = try #require(manifest.client(named: "orders"))
        #expect(orders.settings == manifest.defaults.settings)
        let corp = try #require(manifest.issuer(named: "corp"))
        #expect(corp.maxConcurrency == 4)
        #expect(corp.rateLimit == RateLimit(requests: 100, interval: .seconds(60)))
        #expect(corp.endpoint.discoveryName == "auto")
        let ordersIssuer = try #require(manifest.issuer(named: orders.issuerName))
        #expect(ordersIssuer.endpoint.discoveryName == "none")
        guard case .tokenEndpoint(let endpoint, _) = ordersIssuer.endpoint else {
            Issue.record("issuer of `orders` should have a fixed token endpoint")
            return
        }
        #expect(endpoint.absoluteString == "https://tenant.eu.auth0.com/oauth/token")
    }

    @Test("request parameters, secrets and outputs are resolved")
    func resolvedValues() throws {
        let manifest = try load()
        let billing = try #require(manifest.client(named: "billing"))
        #expect(billing.authentication.sharedSecret == "s3cret")
        #expect(billing.secretSource == .environment)
        #expect(billing.scope == ["invoices:read", "invoices:write"])
        #expect(
            billing.tokenRequestParameters.parameters.map { "\($0.name)=\($0.value)" } == [
                "scope=invoices:read invoices:write", "resource=https://api.example.com/billing",
                "tenant=acme", "flag=a", "flag=b",
            ])
        #expect(billing.outputs.count == 3)
        #expect(billing.outputs[0].format == .env(EnvOptions(prefix: "BILLING_", flavor: .shell)))
        #expect(billing.outputs[0].mode == 0o640)
        #expect(billing.outputs[0].keys == ["access_token": "TOKEN"])
        #expect(billing.outputs[1].isStandardOutput)
        #expect(
            billing.outputs[2].format
                == .kubernetesSecret(KubernetesSecretOptions(name: "billing-token", namespace: "payments", labels: ["team": "payments"])))
        let orders = try #require(manifest.client(named: "orders"))
        #expect(orders.clientID == "12345")
        #expect(orders.authentication.sharedSecret == "${not-a-variable}")
        #expect(orders.secretSource == .literal)
        #expect(orders.audience == ["https://orders.example.com"])
        #expect(orders.authentication.methodName == "client_secret_post")
        #expect(manifest.outputs.count == 1)
    }

    @Test("the fingerprint is stable and changes with the token request, including the secret")
    func fingerprint() throws {
        let first = try load().client(named: "billing")?.fingerprint
        let again = try load().client(named: "billing")?.fingerprint
        #expect(first != nil && first?.count == 64)
        #expect(first == again)
        let otherSecret = try load(environment: ["BILLING_SECRET": "rotated"]).client(named: "billing")?.fingerprint
        #expect(otherSecret != first)
        let otherScope = try load(Self.base.replacingOccurrences(of: "invoices:read invoices:write", with: "invoices:read"))
            .client(named: "billing")?.fingerprint
        #expect(otherScope != first)
        let otherTimeout = try load(Self.base.replacingOccurrences(of: "renew_before: 1m30s", with: "renew_before: 2m"))
            .client(named: "billing")?.fingerprint
        #expect(otherTimeout == first, "settings that do not shape the request keep the fingerprint")
    }

    @Test("fingerprints keep their v1 value, so an upgrade does not make every cached token look stale")
    func fingerprintFormatIsStable() throws {
        // Values written by tokensmith before the fingerprint was built in one buffer.
        let text = """
            version: 1
            issuers:
              local:
                issuer: http://127.0.0.1:18080
                allow_insecure_http: true
            clients:
              - name: plain
                issuer: local
                client_id: b-1
                auth: {method: client_secret_basic, secret: s}
                outputs: [{env: out/plain.env}]
              - name: shaped
                issuer: local
                client_id: b-2
                auth: {method: client_secret_basic, secret: "s"}
                scope: "read write"
                resource: [https://api.example/a, https://api.example/b]
                audience: https://aud.example
                params: {tenant: acme, mode: "y=z"}
                outputs: [{env: out/shaped.env}]
            """
        let manifest = try load(text)
        #expect(manifest.client(named: "plain")?.fingerprint == "b9dec775b87084bccb9f7f6c5bb32896b7df15f41946257f4c6071282a01a542")
        #expect(manifest.client(named: "shaped")?.fingerprint == "fe5fe043f2de79e11bca659a572f512bcebecc5f7970847038656a1548126f05")
    }

    @Test("secrets never show in descriptions, dumps or the client model's rendering")
    func secretRedaction() throws {
        let secret = Redacted("hunter2")
        #expect(secret.description == "<redacted>")
        #expect(secret.debugDescription == "<redacted>")
        #expect("\(secret)" == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        let manifest = try load()
        var whole = ""
        dump(manifest, to: &whole)
        #expect(!whole.contains("s3cret"))
        #expect(!String(describing: manifest.clients).contains("s3cret"))
        #expect(!String(reflecting: manifest.clients).contains("s3cret"))
    }

    @Test(
        "durations",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("10s", .seconds(10)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
            ("1m30s", .seconds(90)), ("1h2m3s4ms", .milliseconds(3_723_004)), ("0s", .zero),
        ])
    func durations(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
        #expect(DurationText.parse(DurationText.format(expected)) == expected)
    }

    @Test("not durations", arguments: ["", "10", "ten", "10 s", "s", "1.5s", "-1s", "10sec", "1d"])
    func notDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("rate limits")
    func rateLimits() {
        #expect(RateLimit(parsing: "20/s") == RateLimit(requests: 20, interval: .seconds(1)))
        #expect(RateLimit(parsing: "1000/h")?.description == "1000/h")
        for bad in ["0/s", "20", "20/d", "/s", "x/s", "20/s/m", "-1/s"] {
            #expect(RateLimit(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("environment expansion: defaults, $$ and positions of missing variables")
    func expansion() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = """
            version: 1
            issuers:
              local:
                issuer: http://127.0.0.1:${PORT:-8080}
                allow_insecure_http: ${INSECURE:-true}
                max_concurrency: ${LIMIT}
            clients:
              - {name: a, issuer: local, client_id: "x-${ID}-$${literal}-${EMPTY:-d}", auth: {method: none}}
            """
        let result = ManifestTestSupport.load(text, in: folder, environment: ["ID": "42", "EMPTY": ""])
        #expect(
            ManifestTestSupport.lines(result) == [
                "6:22: error: environment variable `LIMIT` is not set and has no default; set it or write `${LIMIT:-default}`"
            ])
        let fixed = ManifestTestSupport.load(text, in: folder, environment: ["ID": "42", "EMPTY": "", "LIMIT": "3"])
        let manifest = try #require(fixed.manifest)
        #expect(manifest.issuers[0].endpoint.issuer?.absoluteString == "http://127.0.0.1:8080")
        #expect(manifest.issuers[0].allowInsecureHTTP)
        #expect(manifest.issuers[0].maxConcurrency == 3)
        #expect(manifest.clients[0].clientID == "x-42-${literal}-d")
    }

    @Test("private_key_jwt, mTLS and DPoP keys are loaded through OAuthClient")
    func keys() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        for key in ["example-okta-es256.pem", "example-entra-rs256.pem", "example-dpop-es256.pem", "example-mtls.key"] {
            try ManifestTestSupport.copyExampleKey(key, as: key, into: folder)
        }
        for certificate in ["example-entra.crt", "example-mtls.crt"] {
            try ManifestTestSupport.copyExampleKey(certificate, as: certificate, into: folder)
        }
        let text = """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - name: jwt
                issuer: corp
                client_id: jwt
                auth: {method: private_key_jwt, key_file: example-okta-es256.pem, kid: k1, audience: token_endpoint}
                dpop: {key_file: example-dpop-es256.pem}
              - name: entra
                issuer: corp
                client_id: entra
                auth: {method: private_key_jwt, key_file: example-entra-rs256.pem, alg: PS256, certificate_file: example-entra.crt, x5t_sha1: true}
                dpop: true
              - name: mtls
                issuer: corp
                client_id: mtls
                auth: {method: self_signed_tls_client_auth, certificate_file: example-mtls.crt, key_file: example-mtls.key}
            outputs: [{json: out/all.json}]
            """
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.summary))")
        let manifest = try #require(result.manifest)
        let jwt = try #require(manifest.client(named: "jwt"))
        #expect(jwt.authentication.signingKey?.algorithm.rawValue == "ES256")
        #expect(jwt.authentication.signingKey?.keyID == "k1")
        #expect(jwt.authentication.assertionOptions?.audience == .tokenEndpoint)
        #expect(jwt.dpop?.signingKey != nil)
        let entra = try #require(manifest.client(named: "entra"))
        #expect(entra.authentication.signingKey?.algorithm.rawValue == "PS256")
        #expect(entra.authentication.assertionOptions?.certificateThumbprint?.headers == [.sha256, .sha1])
        #expect(entra.dpop?.keyFile == nil && entra.dpop?.algorithm.rawValue == "ES256")
        let mtls = try #require(manifest.client(named: "mtls"))
        #expect(mtls.authentication.tlsIdentity != nil)
        #expect(mtls.authentication.methodName == "self_signed_tls_client_auth")
    }

    @Test("suggestions by edit distance")
    func suggestions() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - name: a
                issuer: corp
                client_id: a
                auth: {method: client_secret_basci, secret: x}
                outputs: [{env: a.env, flavour: shell}]
            """
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(
            ManifestTestSupport.lines(result) == [
                "8:20: error: unknown method `client_secret_basci`; did you mean `client_secret_basic`?",
                "9:28: error: unknown key `flavour` in an output; did you mean `flavor`?",
            ])
    }
}
