import Foundation
import TestProcessSupport
import LocalIssuer
import Testing

@Suite("tokensmith-local-issuer executable")
struct ExecutableTests {
    /// The built executable, next to the test bundle in the products folder.
    static func executable() throws -> String {
        var candidates: [URL] = []
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = argument0.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("tokensmith-local-issuer"))
            folder = folder.deletingLastPathComponent()
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/tokensmith-local-issuer"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw LocalIssuerError("tokensmith-local-issuer is not built; run `swift build --product tokensmith-local-issuer` first.")
        }
        return found.path
    }

    @Test("Prints one line with its URL, serves metadata and tokens, exits 0 on SIGTERM")
    func runAndStop() async throws {
        let folder = try TemporaryFolder()
        let config = try folder.write(
            "issuer.json", #"{"issuer_path":"/demo","clients":[{"id":"demo","method":"client_secret_basic","secret":"s"}]}"#)
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = ["--config", config, "--fast"]
        let output = Pipe()
        process.standardOutput = .pipe(output)
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let line: String = try await onDedicatedThread {
            var bytes: [UInt8] = []
            let handle = output.fileHandleForReading
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty || chunk.first == UInt8(ascii: "\n") { break }
                bytes += chunk
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(line.hasPrefix("http://127.0.0.1:"))
        #expect(line.hasSuffix("/demo"))
        let metadata = try await HTTP.get(line + "/.well-known/openid-configuration")
        #expect(metadata.json["issuer"] as? String == line)
        let token = try await HTTP.postForm(line + "/token", [clientCredentials], headers: [("Authorization", Form.basic("demo", "s"))])
        #expect(token.status == 200)

        let status: Int32 = await withCheckedContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            kill(process.processIdentifier, SIGTERM)
        }
        #expect(status == 0)
        #expect(process.terminationReason == .exit)
        let rest = try await onDedicatedThread { output.fileHandleForReading.readDataToEndOfFile() }
        #expect(rest.isEmpty)
    }

    @Test("--help documents the config file format")
    func help() async throws {
        let result = try await Subprocess.run(try Self.executable(), ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("id_prefix"))
        #expect(result.stdout.contains("private_key_jwt"))
        let bad = try await Subprocess.run(try Self.executable(), ["--bogus"])
        #expect(bad.status == 2)
    }

    @Test(
        "command-line mistakes exit 2 with a message naming the option, and nothing on stdout",
        arguments: [
            (["--port", "70000"], "--port needs a number 0-65535"),
            (["--tls-cert", "server.pem"], "--tls-cert and --tls-key go together"),
            (["--tls-key", "server-key.pem"], "--tls-cert and --tls-key go together"),
            (["--config"], "--config"),
        ])
    func usageMistakes(arguments: [String], message: String) async throws {
        let result = try await Subprocess.run(try Self.executable(), arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tokensmith-local-issuer: error: "))
        #expect(result.stderr.contains(message))
        #expect(result.stdout.isEmpty)
    }
}
