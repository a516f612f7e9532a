import Foundation
import TestProcessSupport
import NIOConcurrencyHelpers
import Provisioner
import Testing

/// Shared fixtures and helpers of the output and file-writer tests.
///
/// Every token here is synthetic. Comparisons of token values go through
/// ``expectSameValue(_:_:_:)``, which on a mismatch reports lengths and the
/// first differing offset, never the values, so test logs stay free of tokens.
enum OutputFixtures {
    /// 2026-11-26T18:00:00Z.
    static let expiry = Date(timeIntervalSince1970: 1_795_716_000)

    static func token(
        _ name: String = "billing", access: String = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiaWxsaW5nIn0.c2lnbmF0dXJl",
        type: String = "Bearer", expiresAt: Date? = expiry, scope: String? = "invoices:read invoices:write"
    ) -> IssuedToken {
        IssuedToken(
            clientName: name, issuer: "https://sso.example.com/realms/prod", clientID: "\(name)-svc",
            accessToken: access, tokenType: type, expiresIn: expiresAt == nil ? nil : 3600, expiresAt: expiresAt,
            scope: scope, issuedAt: expiry.addingTimeInterval(-3600))
    }

    /// Awkward values: every quoting hazard a reader could trip on.
    static let awkwardValues: [String] = [
        "with space", "it's", "double\"quote", "dollar$HOME", "back`tick`", "back\\slash", "multi\nline",
        "trailing\n", "tab\there", "#hash", "semi;colon", "glob*?[a]", "ünïcødé ✓", "${NOT_EXPANDED}", "'", "''",
        "\\'", "a\\\\b", "=start", " leading", "trailing ", "~tilde", "a:~b", "!bang", "&amp", "(paren)", "{brace}",
        "%percent", "\\n literal", "mixed 'single' and \"double\" $VAR `cmd` \\",
    ]
}

/// Compares two secret-bearing values without printing them.
func expectSameValue(_ actual: String?, _ expected: String, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("\(what): missing (expected \(expected.utf8.count) bytes)", sourceLocation: sourceLocation)
        return
    }
    if actual == expected { return }
    let a = Array(actual.utf8), e = Array(expected.utf8)
    let offset = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
    Issue.record(
        "\(what): differs (got \(a.count) bytes, expected \(e.count), first difference at byte \(offset))", sourceLocation: sourceLocation)
}

/// A temporary folder removed at the end of the test.
final class ScratchFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path + "/tokensmith-out-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        path = (try? FileManager.default.destinationOfSymbolicLink(atPath: base)) ?? base
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Removes the folder now, on a dedicated thread: unlinking thousands of
    /// files takes seconds, too long to block a concurrency thread in `deinit`.
    func remove() async {
        let path = self.path
        _ = try? await onDedicatedThread { try? FileManager.default.removeItem(atPath: path) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: file(name)).map { Array($0) }
    }

    /// Names in the folder (not recursive), sorted.
    func entries(_ sub: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sub.isEmpty ? path : file(sub))) ?? []).sorted()
    }
}

/// The result of a finished subprocess.
struct ProcessResult {
    var status: Int32
    var stdout: Data
    var stderr: String
}

/// Runs a program to completion; standard input is empty. The waiting happens
/// on a dedicated thread, so no Swift concurrency thread is blocked meanwhile.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> ProcessResult {
    try await onDedicatedThread { try runProcessBlocking(executable, arguments, environment: environment) }
}

/// ``runProcess(_:_:environment:)`` itself; blocks the calling thread until the child exits.
private func runProcessBlocking(_ executable: String, _ arguments: [String], environment: [String: String]?) throws -> ProcessResult {
    let process = SpawnedProcess()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = .pipe(out)
    process.standardError = .pipe(err)
    process.standardInput = .null
    try process.run()
    // Read both pipes while the child runs so a chatty child cannot block on a full pipe.
    let errBox = NIOLockedValueBox(Data())
    let errDone = DispatchSemaphore(value: 0)
    let reader = Thread {
        let data = err.fileHandleForReading.readDataToEndOfFile()
        errBox.withLockedValue { $0 = data }
        errDone.signal()
    }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    errDone.wait()
    return ProcessResult(
        status: process.terminationStatus, stdout: outData, stderr: String(decoding: errBox.withLockedValue { $0 }, as: UTF8.self))
}

/// The absolute path of a program on PATH, or nil.
func which(_ program: String) -> String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for folder in paths {
        let candidate = "\(folder)/\(program)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// The `python3` to use, or a recorded issue naming what to install.
func python3(requiring module: String, package: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> String? {
    guard let python = which("python3") else {
        Issue.record("python3 is missing: install it (scripts/bootstrap does)", sourceLocation: sourceLocation)
        return nil
    }
    let probe = try await runProcess(python, ["-c", "import \(module)"])
    guard probe.status == 0 else {
        Issue.record("the Python package \(package) is missing: pip install \(package)", sourceLocation: sourceLocation)
        return nil
    }
    return python
}

extension OutputSpec {
    static func env(_ path: String = "out/a.env", _ options: EnvOptions = EnvOptions(), keys: [String: String] = [:]) -> OutputSpec {
        OutputSpec(format: .env(options), path: path, keys: keys, origin: "tokensmith.yaml:12:9")
    }

    static func json(_ path: String = "out/a.json", keys: [String: String] = [:]) -> OutputSpec {
        OutputSpec(format: .json, path: path, keys: keys, origin: "tokensmith.yaml:14:9")
    }

    static func secret(
        _ path: String = "out/a.yaml", _ options: KubernetesSecretOptions = KubernetesSecretOptions(), keys: [String: String] = [:]
    ) -> OutputSpec {
        OutputSpec(format: .kubernetesSecret(options), path: path, keys: keys, origin: "tokensmith.yaml:16:9")
    }
}

/// Runs blocking work (waitpid loops, sleeps) on a new thread and awaits it,
/// so the Swift concurrency pool — two threads on a 2-core machine — stays free.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
