// tokensmith-local-issuer: runs a LocalIssuer on 127.0.0.1 until SIGINT or SIGTERM.
//
// Thin on purpose: all logic lives in the LocalIssuer library. The one line on
// stdout (the issuer identifier) is the readiness signal scripts wait for.

import Dispatch
import Foundation
import LocalIssuer

let usage = """
    Usage: tokensmith-local-issuer [--config FILE] [--port N] [--issuer-path PATH] [--fast]
                                   [--tls-cert FILE --tls-key FILE]

    Runs a local OAuth 2.0 authorization server (client credentials grant) on 127.0.0.1
    for tests, benchmarks and demos. When ready it prints exactly one line, the issuer
    identifier (e.g. http://127.0.0.1:PORT), and serves until SIGINT or SIGTERM.

    Options (override the config file):
      --config FILE        JSON config file with clients and settings (format below)
      --port N             listen port; 0 (default) picks a free one
      --issuer-path PATH   issuer path, e.g. /realms/demo
      --fast               opaque random tokens, no signing (benchmarks)
      --tls-cert FILE      server certificate chain (PEM); with --tls-key serves https
      --tls-key FILE       server private key (PEM)
      -h, --help           show this text

    Config file (every member optional; paths relative to the file):
      {
        "port": 0, "issuer_path": "/realms/demo", "fast_mode": false,
        "serve_wrong_issuer": false, "require_dpop_nonce": false, "expires_in": 3600,
        "signing_key_file": "issuer-key.pem",
        "tls":  { "certificate_chain_file": "server.pem", "private_key_file": "server-key.pem" },
        "mtls": { "port": 0, "client_ca_file": "ca.pem" },
        "clients": [
          { "id": "billing", "method": "client_secret_basic", "secret": "s3cret",
            "scopes": ["read"], "resources": ["https://api.example"], "expires_in": 600,
            "dpop_required": false },
          { "id": "reports", "method": "private_key_jwt", "public_key_file": "reports.pub.pem" },
          { "id": "edge", "method": "private_key_jwt", "jwk": { "kty": "OKP", "crv": "Ed25519", "x": "..." } },
          { "id": "agent", "method": "tls_client_auth", "subject": "CN=agent" },
          { "id": "robot", "method": "self_signed_tls_client_auth", "certificate_file": "robot.pem" },
          { "id": "public-app", "method": "none" },
          { "id_prefix": "client-", "count": 10000, "start": 1, "secret": "s",
            "method": "client_secret_basic" },
          { "id": "flaky", "method": "client_secret_post", "secret": "s",
            "faults": [ { "kind": "server_error", "status": 503, "times": 2 },
                        { "kind": "delay", "milliseconds": 200 } ] }
        ]
      }
      methods: client_secret_basic, client_secret_post, client_secret_jwt (secret),
               private_key_jwt (public_key_file | public_key | jwk), none,
               tls_client_auth (subject), self_signed_tls_client_auth (certificate_file)
      faults:  server_error(status,times) rate_limited(retry_after,times) delay(milliseconds)
               close_connection(times) malformed_json json_array missing_access_token
               missing_token_type expires_in_as_string negative_expires_in
               html_error_page(status) oversized_body dpop_token_type_without_proof
               endless_body(milliseconds) redirect(location)

    Endpoints: <issuer>/token, <issuer>/jwks, <issuer>/.well-known/openid-configuration,
               /.well-known/oauth-authorization-server<issuer path>.
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("tokensmith-local-issuer: error: \(message)\n".utf8))
    exit(2)
}

func readText(_ path: String) -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    return text
}

/// Builds the configuration from the command line (and the config file it names).
func makeConfiguration(_ commandLine: [String]) -> LocalIssuer.Configuration {
    var arguments = commandLine
    var configPath: String?
    var port: Int?
    var issuerPath: String?
    var fast = false
    var tlsCert: String?
    var tlsKey: String?

    func value(after option: String) -> String {
        guard !arguments.isEmpty else { fail("\(option) needs a value") }
        return arguments.removeFirst()
    }

    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "-h", "--help":
            FileHandle.standardOutput.write(Data((usage + "\n").utf8))
            exit(0)
        case "--config": configPath = value(after: argument)
        case "--port":
            guard let number = Int(value(after: argument)), (0...65535).contains(number) else { fail("--port needs a number 0-65535") }
            port = number
        case "--issuer-path": issuerPath = value(after: argument)
        case "--fast": fast = true
        case "--tls-cert": tlsCert = value(after: argument)
        case "--tls-key": tlsKey = value(after: argument)
        default: fail("unknown argument \(argument); see --help")
        }
    }

    var configuration = LocalIssuer.Configuration()
    if let configPath {
        do {
            configuration = try LocalIssuer.Configuration.load(contentsOfFile: configPath)
        } catch {
            fail("\(error)")
        }
    }
    if let port { configuration.port = port }
    if let issuerPath { configuration.issuerPath = issuerPath }
    if fast { configuration.fastMode = true }
    switch (tlsCert, tlsKey) {
    case (let cert?, let key?): configuration.tls = .init(certificateChainPEM: readText(cert), privateKeyPEM: readText(key))
    case (nil, nil): break
    default: fail("--tls-cert and --tls-key go together")
    }
    return configuration
}

let configuration = makeConfiguration(Array(CommandLine.arguments.dropFirst()))

// Block the signals so the dispatch sources receive them instead of the default action.
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)

let issuer: LocalIssuer
do {
    issuer = try await LocalIssuer.start(configuration)
} catch {
    fail("\(error)")
}
FileHandle.standardOutput.write(Data((issuer.issuer + "\n").utf8))

await waitForTerminationSignal()

do {
    try await issuer.shutdown()
} catch {
    fail("shutdown failed: \(error)")
}
exit(0)
