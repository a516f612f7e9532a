import ArgumentParser

/// The command line of `tokensmith-local-issuer`; the options override the config file.
struct IssuerOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokensmith-local-issuer",
        abstract: "Runs a local OAuth 2.0 authorization server (client credentials grant) on 127.0.0.1.",
        discussion: """
            For tests, benchmarks and demos. When ready it prints exactly one line, the
            issuer identifier (e.g. http://127.0.0.1:PORT), and serves until SIGINT or
            SIGTERM. The options override the config file.

            Config file (every member optional; paths relative to the file):
              {
                "port": 0, "issuer_path": "/realms/demo", "fast_mode": false,
                "serve_wrong_issuer": false, "require_dpop_nonce": false,
                "expires_in": 3600, "signing_key_file": "issuer-key.pem",
                "tls": { "certificate_chain_file": "server.pem",
                         "private_key_file": "server-key.pem" },
                "mtls": { "port": 0, "client_ca_file": "ca.pem" },
                "clients": [
                  { "id": "billing", "method": "client_secret_basic",
                    "secret": "s3cret", "scopes": ["read"],
                    "resources": ["https://api.example"], "expires_in": 600,
                    "dpop_required": false },
                  { "id": "reports", "method": "private_key_jwt",
                    "public_key_file": "reports.pub.pem" },
                  { "id": "edge", "method": "private_key_jwt",
                    "jwk": { "kty": "OKP", "crv": "Ed25519", "x": "..." } },
                  { "id": "agent", "method": "tls_client_auth", "subject": "CN=agent" },
                  { "id": "robot", "method": "self_signed_tls_client_auth",
                    "certificate_file": "robot.pem" },
                  { "id": "public-app", "method": "none" },
                  { "id_prefix": "client-", "count": 10000, "start": 1, "secret": "s",
                    "method": "client_secret_basic" },
                  { "id": "flaky", "method": "client_secret_post", "secret": "s",
                    "faults": [ { "kind": "server_error", "status": 503, "times": 2 },
                                { "kind": "delay", "milliseconds": 200 } ] }
                ]
              }
              methods: client_secret_basic, client_secret_post,
                       client_secret_jwt (secret),
                       private_key_jwt (public_key_file | public_key | jwk), none,
                       tls_client_auth (subject),
                       self_signed_tls_client_auth (certificate_file)
              faults:  server_error(status,times) rate_limited(retry_after,times)
                       delay(milliseconds) close_connection(times) malformed_json
                       json_array missing_access_token missing_token_type
                       expires_in_as_string negative_expires_in
                       html_error_page(status) oversized_body
                       dpop_token_type_without_proof endless_body(milliseconds)
                       redirect(location)

            Endpoints: <issuer>/token, <issuer>/jwks,
                       <issuer>/.well-known/openid-configuration,
                       /.well-known/oauth-authorization-server<issuer path>.
            """
    )

    @Option(
        name: .customLong("config"), help: ArgumentHelp("JSON config file with clients and settings (format below).", valueName: "file"))
    var configPath: String?

    @Option(help: ArgumentHelp("Listen port; 0 (default) picks a free one.", valueName: "n"))
    var port: Int?

    @Option(name: .customLong("issuer-path"), help: ArgumentHelp("Issuer path, e.g. /realms/demo.", valueName: "path"))
    var issuerPath: String?

    @Flag(help: "Opaque random tokens, no signing (benchmarks).")
    var fast = false

    @Option(
        name: .customLong("tls-cert"), help: ArgumentHelp("Server certificate chain (PEM); with --tls-key serves https.", valueName: "file")
    )
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("Server private key (PEM).", valueName: "file"))
    var tlsKey: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port needs a number 0-65535") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }
}
