#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Provisioner
import Testing

/// docker `--env-file` as docker itself reads it: a line that is blank or starts
/// with `#` is skipped; otherwise the key is everything before the first `=`
/// and the value everything after it, byte for byte: no unquoting, no escapes,
/// no multi-line values. (Docker also trims leading whitespace of the line,
/// which tokensmith never writes.)
func readDockerEnvFile(_ bytes: [UInt8]) -> [String: String] {
    var result: [String: String] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
        if line.isEmpty || line.hasPrefix("#") { continue }
        guard let equals = line.firstIndex(of: "=") else { continue }
        result[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return result
}

/// Reads an env file the way bash does with `set -a; . FILE`, returning the named variables.
func readWithBash(_ path: String, keys: [String]) async throws -> [String: String]? {
    let script = "set -a; . \"$1\" || exit 3; shift; for k in \"$@\"; do printf '%s\\0' \"${!k}\"; done"
    let result = try await runProcess("/bin/bash", ["-c", script, "bash", path] + keys, environment: ["PATH": "/usr/bin:/bin"])
    guard result.status == 0 else { return nil }
    let values = result.stdout.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    guard values.count == keys.count else { return nil }
    return Dictionary(uniqueKeysWithValues: zip(keys, values))
}

/// Reads an env file with python-dotenv's `dotenv_values` (interpolation on, its default).
func readWithDotenv(_ python: String, _ path: String) async throws -> [String: String]? {
    let script = "import json, sys\nfrom dotenv import dotenv_values\nsys.stdout.write(json.dumps(dotenv_values(sys.argv[1])))"
    let result = try await runProcess(python, ["-c", script, path], environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
    guard result.status == 0, result.stderr.isEmpty else { return nil }
    return try JSONSerialization.jsonObject(with: result.stdout) as? [String: String]
}

@Suite("Output: env files")
struct OutputEnvTests {
    @Test("per client: the three keys, RFC 3339 expiry, LF, final newline, no BOM")
    func perClient() throws {
        let bytes = try EnvRenderer.render(OutputFixtures.token(), spec: .env(), options: EnvOptions(prefix: "BILLING_"))
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(!bytes.contains(UInt8(ascii: "\r")))
        #expect(Array(bytes.prefix(3)) != [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n").map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "" }
        #expect(lines == ["BILLING_ACCESS_TOKEN", "BILLING_TOKEN_TYPE", "BILLING_EXPIRES_AT"])
        #expect(text.contains("\nBILLING_TOKEN_TYPE=Bearer\nBILLING_EXPIRES_AT=2026-11-26T18:00:00Z\n"))
        let docker = readDockerEnvFile(bytes)
        expectSameValue(docker["BILLING_ACCESS_TOKEN"], OutputFixtures.token().accessToken, "access token")
    }

    @Test("scope only with includeScope and when known; expiry left out when unknown")
    func optionalKeys() throws {
        let withScope = try EnvRenderer.render(
            OutputFixtures.token(), spec: .env(), options: EnvOptions(flavor: .shell, includeScope: true))
        #expect(String(decoding: withScope, as: UTF8.self).hasSuffix("SCOPE='invoices:read invoices:write'\n"))
        let bare = try EnvRenderer.render(
            OutputFixtures.token(expiresAt: nil, scope: nil), spec: .env(), options: EnvOptions(includeScope: true))
        #expect(Set(readDockerEnvFile(bare).keys) == ["ACCESS_TOKEN", "TOKEN_TYPE"])
    }

    @Test("keys are renamed after the prefix and checked against [A-Z_][A-Z0-9_]*")
    func keys() throws {
        let bytes = try EnvRenderer.render(
            OutputFixtures.token(), spec: .env(keys: ["access_token": "TOKEN"]), options: EnvOptions(prefix: "APP_"))
        #expect(readDockerEnvFile(bytes)["APP_TOKEN"] != nil)
        for (prefix, keys) in [("app_", [String: String]()), ("", ["access_token": "1TOKEN"]), ("", ["token_type": "TYPE-X"])] {
            #expect {
                try EnvRenderer.render(OutputFixtures.token(), spec: .env(keys: keys), options: EnvOptions(prefix: prefix))
            } throws: { ($0 as? OutputError)?.code == .invalidEnvKey }
        }
        #expect {
            try EnvRenderer.render(OutputFixtures.token(), spec: .env(keys: ["token_type": "ACCESS_TOKEN"]), options: EnvOptions())
        } throws: { ($0 as? OutputError)?.code == .duplicateKey }
        #expect {
            try EnvRenderer.render(OutputFixtures.token(), spec: .env(keys: ["acces_token": "X"]), options: EnvOptions())
        } throws: { ($0 as? OutputError)?.code == .unknownKey }
    }

    @Test("aggregate: a prefix per client from its name, clients sorted, collisions refused")
    func aggregate() throws {
        let tokens = [OutputFixtures.token("reports.v2"), OutputFixtures.token("billing-eu")]
        let bytes = try EnvRenderer.render(tokens, spec: .env("out/all.env"), options: EnvOptions())
        let keys = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
        #expect(
            keys == [
                "BILLING_EU_ACCESS_TOKEN", "BILLING_EU_TOKEN_TYPE", "BILLING_EU_EXPIRES_AT",
                "REPORTS_V2_ACCESS_TOKEN", "REPORTS_V2_TOKEN_TYPE", "REPORTS_V2_EXPIRES_AT",
            ])
        #expect {
            try EnvRenderer.render(
                [OutputFixtures.token("a-b"), OutputFixtures.token("a.b")], spec: .env("out/all.env"), options: EnvOptions())
        } throws: { ($0 as? OutputError)?.code == .duplicateKey }
    }

    @Test("docker refuses an unsafe value, naming client, key, output and the fix, never the value")
    func dockerRefuses() throws {
        let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/=:-")
        for value in OutputFixtures.awkwardValues where !value.allSatisfy(safe.contains) {
            let token = OutputFixtures.token(access: value)
            do {
                _ = try EnvRenderer.render(token, spec: .env("out/billing.env"), options: EnvOptions(prefix: "BILLING_"))
                Issue.record("docker flavour accepted an unsafe value of \(value.utf8.count) bytes")
            } catch {
                #expect(error.code == .unsafeEnvValue || error.code == .unrepresentableEnvValue)
                let message = error.description
                #expect(message.contains("client billing"))
                #expect(message.contains("BILLING_ACCESS_TOKEN"))
                #expect(message.contains("out/billing.env"))
                #expect(message.contains("tokensmith.yaml:12:9"))
                #expect(message.contains("flavor: shell or dotenv") || error.code == .unrepresentableEnvValue)
                #expect(!message.contains(value) || value.count < 3, "the message shows the value")
            }
        }
        let spaced = OutputError.Code.unsafeEnvValue
        #expect {
            try EnvRenderer.render(OutputFixtures.token(access: "a b"), spec: .env(), options: EnvOptions())
        } throws: { ($0 as? OutputError)?.code == spaced && "\($0)".contains("contains a space; docker --env-file cannot carry it") }
    }

    @Test("shell flavour reads back byte for byte through bash `set -a; . file`")
    func shellRoundTrip() async throws {
        let folder = try ScratchFolder()
        let values = OutputFixtures.awkwardValues + ["plain-JWT.abc_DEF~1+/=:"]
        for (index, value) in values.enumerated() {
            let token = OutputFixtures.token(access: value, scope: value)
            let bytes = try EnvRenderer.render(token, spec: .env(), options: EnvOptions(prefix: "T_", flavor: .shell, includeScope: true))
            let path = try folder.write("shell-\(index).env", bytes)
            let parsed = try await readWithBash(path, keys: ["T_ACCESS_TOKEN", "T_TOKEN_TYPE", "T_EXPIRES_AT", "T_SCOPE"])
            let read = try #require(parsed)
            expectSameValue(read["T_ACCESS_TOKEN"], value, "bash read of value #\(index)")
            expectSameValue(read["T_SCOPE"], value, "bash read of scope #\(index)")
            #expect(read["T_EXPIRES_AT"] == "2026-11-26T18:00:00Z")
        }
    }

    @Test("aggregate shell file sources cleanly with many clients")
    func shellAggregate() async throws {
        let folder = try ScratchFolder()
        let tokens = OutputFixtures.awkwardValues.enumerated().map { OutputFixtures.token("c\($0.offset)", access: $0.element) }
        let bytes = try EnvRenderer.render(tokens, spec: .env("out/all.env"), options: EnvOptions(flavor: .shell))
        let path = try folder.write("all.env", bytes)
        let keys = tokens.map { EnvRenderer.clientPrefix($0.clientName) + "ACCESS_TOKEN" }
        let parsed = try await readWithBash(path, keys: keys)
        let read = try #require(parsed)
        for (token, key) in zip(tokens, keys) { expectSameValue(read[key], token.accessToken, key) }
    }

    @Test("dotenv flavour reads back exactly through python-dotenv")
    func dotenvRoundTrip() async throws {
        guard let python = try await python3(requiring: "dotenv", package: "python-dotenv==1.2.2") else { return }
        let folder = try ScratchFolder()
        let values =
            OutputFixtures.awkwardValues.filter { !$0.contains("${") && !$0.hasSuffix("\\") } + [
                "plain-JWT.abc_DEF~1+/=:", "$HOME", "${", "${a:b}", "end'",
            ]
        let tokens = values.enumerated().map { OutputFixtures.token("c\($0.offset)", access: $0.element, scope: $0.element) }
        // All in one file, so a value that ran past its closing quote would spoil its neighbours.
        let bytes = try EnvRenderer.render(tokens, spec: .env("out/all.env"), options: EnvOptions(flavor: .dotenv, includeScope: true))
        let path = try folder.write("all.env", bytes)
        let parsed = try await readWithDotenv(python, path)
        let read = try #require(parsed, "python-dotenv could not read the file")
        #expect(read.count == tokens.count * 4)
        for token in tokens {
            let prefix = EnvRenderer.clientPrefix(token.clientName)
            expectSameValue(read[prefix + "ACCESS_TOKEN"], token.accessToken, "dotenv \(prefix)ACCESS_TOKEN")
            expectSameValue(read[prefix + "SCOPE"], token.accessToken, "dotenv \(prefix)SCOPE")
            #expect(read[prefix + "EXPIRES_AT"] == "2026-11-26T18:00:00Z")
        }
    }

    @Test("dotenv refuses what python-dotenv cannot read back", arguments: ["a\rb", "ends\\", "${HOME}", "x${A:-b}y", "nul\0byte"])
    func dotenvRefuses(value: String) throws {
        #expect {
            try EnvRenderer.render(OutputFixtures.token(access: value), spec: .env(), options: EnvOptions(flavor: .dotenv))
        } throws: { ($0 as? OutputError)?.code == .unrepresentableEnvValue }
    }

    @Test("a NUL byte is refused by every flavour", arguments: EnvOptions.Flavor.allCases)
    func nul(flavor: EnvOptions.Flavor) throws {
        #expect {
            try EnvRenderer.render(OutputFixtures.token(access: "a\0b"), spec: .env(), options: EnvOptions(flavor: flavor))
        } throws: { ($0 as? OutputError)?.code == .unrepresentableEnvValue }
    }

    @Test("safe values are written bare in every flavour, except a tilde for the shell")
    func bare() throws {
        for flavor in EnvOptions.Flavor.allCases {
            let bytes = try EnvRenderer.render(
                OutputFixtures.token(access: "abc.DEF_123-+/=:"), spec: .env(), options: EnvOptions(flavor: flavor))
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("ACCESS_TOKEN=abc.DEF_123-+/=:\n"))
        }
        let tilde = try EnvRenderer.render(OutputFixtures.token(access: "~x"), spec: .env(), options: EnvOptions(flavor: .shell))
        #expect(String(decoding: tilde, as: UTF8.self).hasPrefix("ACCESS_TOKEN='~x'\n"))
    }

    @Test("RFC 3339 by hand matches Foundation's ISO 8601 formatter")
    func rfc3339() {
        let formatter = ISO8601DateFormatter()
        for seconds in [0, 1_795_716_000, 951_782_400, 4_102_444_799, 1_700_000_000] as [TimeInterval] {
            let date = Date(timeIntervalSince1970: seconds + 0.75)
            #expect(RFC3339.string(from: date) == formatter.string(from: Date(timeIntervalSince1970: seconds)))
        }
        #expect(RFC3339.string(from: OutputFixtures.expiry) == "2026-11-26T18:00:00Z")
    }

    @Test("RFC 3339 by arithmetic matches the C library's gmtime_r over years 1 to 9999, leap days and clamping included")
    func rfc3339AgainstGmtime() {
        func reference(_ seconds: Int) -> String {
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            func pad(_ value: Int32, _ width: Int) -> String {
                let digits = String(value)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
                + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
        }
        var generator = SystemRandomNumberGenerator()
        var instants = [-62_135_596_800, -1, 0, 951_782_399, 951_782_400, 951_868_799, 4_107_542_400, 253_402_300_799]
        instants += (0..<20_000).map { _ in Int.random(in: -62_135_596_800...253_402_300_799, using: &generator) }
        for seconds in instants {
            let text = RFC3339.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            guard text == reference(seconds) else {
                Issue.record("\(seconds): \(text), gmtime_r says \(reference(seconds))")
                return
            }
        }
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -1e12)) == "0001-01-01T00:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1e13)) == "9999-12-31T23:59:59Z")
    }
}
