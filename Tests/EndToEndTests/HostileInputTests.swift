import Foundation
import LocalIssuer
import Testing

/// Hostile manifests and environments against the built binary, and a scan of
/// everything every command prints for secrets, keys and tokens.
@Suite("Hostile inputs and secret hygiene (built binary)")
struct HostileInputTests {
    @Test("a 100 MB manifest, a billion-laughs manifest and deep nesting fail fast with a clear error")
    func hugeAndExplosive() async throws {
        let harness = try RunHarness()
        let line = "# padding padding padding padding padding padding padding padding padding padding\n"
        let big = String(repeating: line, count: 100 * 1024 * 1024 / line.utf8.count + 1)
        try harness.write("version: 1\n" + big, to: "big.yaml")
        let huge = try await harness.run(["validate", "big.yaml"])
        #expect(huge.status == 2)
        // Refused by its size before it is read (not by a parse that ran out
        // of time or memory): the message gives the size and the limit.
        let size = try #require(
            (try FileManager.default.attributesOfItem(atPath: harness.folder.appendingPathComponent("big.yaml").path))[.size] as? NSNumber)
        #expect(
            huge.standardError.contains("big.yaml:1:1: error: the manifest is \(size.intValue) bytes, over the limit of 67108864 bytes"),
            "\(huge.standardError)")

        var laughs = "version: 1\nx-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            laughs += "x-a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        try harness.write(laughs, to: "lol.yaml")
        let lol = try await harness.run(["validate", "lol.yaml"])
        #expect(lol.status == 2)
        #expect(lol.standardError.contains("billion laughs"))
        // Stopped at the first alias past the 100,000-node limit: x-a5's on
        // line 7, before the anchors of lines 8 to 11 were expanded.
        #expect(lol.standardError.contains("lol.yaml:7:"), "\(lol.standardError)")

        try harness.write(
            "version: 1\nx-deep: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\n", to: "deep.yaml")
        let deep = try await harness.run(["validate", "deep.yaml"])
        #expect(deep.status == 2)
        #expect(deep.standardError.contains("nesting is deeper than"))
    }

    @Test("names with ../ and outputs that escape the root are manifest errors at their line:column")
    func escapes() async throws {
        let harness = try RunHarness()
        try harness.write(
            """
            version: 1
            issuers:
              corp: {issuer: "https://sso.example.com"}
            clients:
              - name: ../evil
                issuer: corp
                client_id: x
                auth: {method: none}
              - name: ok
                issuer: corp
                client_id: y
                auth: {method: none}
                outputs:
                  - env: ../../etc/evil.env
            """, to: "m.yaml")
        let result = try await harness.run(["validate", "m.yaml"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("m.yaml:5:11: error: invalid client name `../evil`"), "\(result.standardError)")
        #expect(
            result.standardError.contains("m.yaml:14:14: error: output path `../../etc/evil.env` escapes the output root"),
            "\(result.standardError)")
    }

    @Test("an unreadable key file is an error at its line:column, before any request")
    func unreadableKeyFile() async throws {
        let harness = try RunHarness()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: harness.folder.path)
        try harness.write(
            """
            version: 1
            issuers:
              corp: {token_endpoint: "https://sso.example.com/token"}
            clients:
              - name: signer
                issuer: corp
                client_id: signer
                auth: {method: private_key_jwt, key_file: signer.pem, alg: ES256}
            """, to: "m.yaml")
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644], ofItemAtPath: harness.folder.appendingPathComponent("m.yaml").path)
        let key = try String(
            contentsOf: RunHarness.repositoryRoot.appendingPathComponent("examples/keys/example-okta-es256.pem"), encoding: .utf8)
        try harness.write(key, to: "signer.pem")
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o000], ofItemAtPath: harness.folder.appendingPathComponent("signer.pem").path)
        for command in [["validate", "m.yaml"], ["run", "m.yaml", "--no-state"]] {
            let result = try await harness.run(command, unprivileged: true)
            #expect(result.status == 2, "\(command[0]): \(result.standardError)")
            #expect(result.standardError.contains("m.yaml:8:47: error:"), "\(command[0]): \(result.standardError)")
            #expect(
                result.standardError.contains(
                    "`signer.pem` cannot be read (permission denied); make it readable by the user tokensmith runs as"),
                "\(command[0]): \(result.standardError)")
            #expect(!result.standardError.contains("BEGIN"), "the key must not be shown")
        }
        #expect(!harness.exists("out"), "nothing may be written")
    }

    @Test("a symlinked output folder is refused and nothing is written through it")
    func symlinkedOutputFolder() async throws {
        let harness = try RunHarness()
        let elsewhere = try RunHarness()
        try FileManager.default.createSymbolicLink(
            atPath: harness.folder.appendingPathComponent("out").path, withDestinationPath: elsewhere.folder.path)
        try await withIssuers([
            LocalIssuer.Configuration(clients: [RegisteredClient(id: "a", authentication: .clientSecretBasic(secret: "s"))])
        ]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                  local: {issuer: "\(issuers[0].issuer)", allow_insecure_http: true}
                clients:
                  - {name: a, issuer: local, client_id: a, auth: {method: client_secret_basic, secret: s}, outputs: [{env: out/a.env}]}
                """, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml"])
            #expect(result.status == 1)
            #expect(result.standardError.contains("out/a.env"))
            #expect(elsewhere.allFiles().isEmpty, "a file was written through the symlink: \(elsewhere.allFiles())")
        }
    }

    @Test("no command, log format or verbosity prints a secret, a key or a token")
    func secretHygiene() async throws {
        let harness = try RunHarness()
        let secret = "Basic-Secret-Value-7f3a9c"
        let postSecret = "Post-Secret-Value-1b8e44"
        let key = try TestKeyPair.generate(.p256)
        try harness.write(key.privateKeyPEM, to: "keys/client.pem")
        // One line of the key's base64 body: it must never appear anywhere.
        let keyLine = try #require(key.privateKeyPEM.split(separator: "\n").first { !$0.hasPrefix("-----") && $0.count > 40 })
        let clients = [
            RegisteredClient(id: "basic", authentication: .clientSecretBasic(secret: secret)),
            RegisteredClient(id: "post", authentication: .clientSecretPost(secret: postSecret)),
            RegisteredClient(id: "pkjwt", authentication: .privateKeyJWT(publicKey: key.publicKeyPEM)),
            RegisteredClient(id: "bad", authentication: .clientSecretBasic(secret: "Other-Secret-Value-99aa")),
        ]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                  local: {issuer: "\(issuers[0].issuer)", allow_insecure_http: true}
                clients:
                  - {name: basic, issuer: local, client_id: basic, auth: {method: client_secret_basic, secret: "${BASIC_SECRET}"}, outputs: [{env: out/basic.env}]}
                  - {name: post, issuer: local, client_id: post, auth: {method: client_secret_post, secret: "\(postSecret)"}, dpop: true}
                  - {name: pkjwt, issuer: local, client_id: pkjwt, auth: {method: private_key_jwt, key_file: keys/client.pem}}
                  - {name: bad, issuer: local, client_id: bad, auth: {method: client_secret_basic, secret: "${BASIC_SECRET}"}}
                outputs:
                  - json: out/tokens.json
                """, to: "m.yaml")
            let environment = ["BASIC_SECRET": secret, "TOKENSMITH_CLIENT_SECRET": secret]
            var transcripts: [(String, String)] = []
            let invocations: [[String]] = [
                ["validate", "m.yaml"], ["validate", "m.yaml", "--log-format", "json"], ["validate", "m.yaml", "--strict"],
                ["run", "m.yaml", "--dry-run"], ["run", "m.yaml", "--dry-run", "--log-format", "json"],
                ["run", "m.yaml", "--report", "r1.json", "--metrics-file", "m1.prom"],
                ["run", "m.yaml", "--force", "--log-format", "json", "--report", "r2.json", "--metrics-file", "m2.prom"],
                ["run", "m.yaml", "--force", "--quiet"], ["run", "m.yaml", "--force", "--all-or-nothing"],
                ["token", "--issuer", issuers[0].issuer, "--client-id", "bad", "--allow-insecure-http"],
                ["schema"],
            ]
            for arguments in invocations {
                let result = try await harness.run(arguments, environment: environment)
                transcripts.append(("\(arguments.joined(separator: " ")) stderr", result.standardError))
                transcripts.append(("\(arguments.joined(separator: " ")) stdout", result.standardOutput))
            }
            // The token command prints the token on stdout by design; its stderr is scanned.
            let good = try await harness.run(
                ["token", "--issuer", issuers[0].issuer, "--client-id", "basic", "--allow-insecure-http"], environment: environment)
            #expect(good.status == 0)
            transcripts.append(("token stderr", good.standardError))
            for file in ["r1.json", "r2.json", "m1.prom", "m2.prom"] {
                transcripts.append((file, harness.read(file) ?? ""))
            }
            let tokens = (try jsonObject(harness.read("out/tokens.json"))["clients"] as? [String: Any] ?? [:])
                .values.compactMap { ($0 as? [String: Any])?["access_token"] as? String }
            #expect(tokens.count == 3)
            for (name, text) in transcripts {
                for value in [secret, postSecret, "Other-Secret-Value-99aa", String(keyLine)] + tokens {
                    #expect(!text.contains(value), "\(name) leaks a secret, key or token")
                }
                // Tokens, assertions and DPoP proofs here are all JWTs: none may be printed.
                #expect(!text.contains("eyJ"), "\(name) prints a JWT")
            }
        }
    }
}
