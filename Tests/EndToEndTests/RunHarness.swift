import Foundation
import TestProcessSupport
import LocalIssuer
import NIOConcurrencyHelpers
import Testing

/// Runs the built `tokensmith` binary against in-process LocalIssuers, in a
/// temporary folder, and collects what a user would see.
struct RunHarness {
    /// What one invocation printed and returned.
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokensmith-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// The package root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary beside the test bundle, else `.build/debug`.
    /// How long one tokensmith may run before the watchdog kills it (the
    /// longest end-to-end test takes well under a minute on a loaded machine).
    static let processLimit: Duration = .seconds(300)

    static let binary: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tokensmith"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tokensmith"),
            repositoryRoot.appendingPathComponent(".build/debug/tokensmith"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[candidates.count - 1]
    }()

    /// Writes a file in the folder with mode 0600 (manifests hold secrets).
    func write(_ text: String, to name: String) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The variables of an `env > FILE` dump in the work folder (a later
    /// duplicate name is ignored).
    func environmentDump(_ name: String) -> [String: String] {
        Dictionary(
            (read(name) ?? "").split(separator: "\n").compactMap { line -> (String, String)? in
                guard let equals = line.firstIndex(of: "=") else { return nil }
                return (String(line[..<equals]), String(line[line.index(after: equals)...]))
            }, uniquingKeysWith: { first, _ in first })
    }

    /// Each client's access token in the token cache `.tokensmith-state.json`.
    func cachedTokens() throws -> [String: String?]? {
        let state = try jsonObject(read(".tokensmith-state.json"))
        return (state["clients"] as? [String: Any])?.mapValues { ($0 as? [String: Any])?["accessToken"] as? String }
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
    }

    /// Every file below the folder, relative paths, sorted.
    func allFiles() -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder), !isFolder.boolValue
            {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// Runs the binary and waits for it without blocking a concurrency thread.
    /// `signalWhen` is polled every 10 ms from a background thread; `signal`
    /// (SIGTERM unless given) is sent the first time it returns true. `during`
    /// runs once the process has started, with its standard error as it
    /// arrives, so a test can act on what the run says (and so assert the order
    /// of events, not times); if it throws, the process is terminated.
    /// With `unprivileged`, a root test runner drops to uid/gid 65534 through
    /// `setpriv`, so file permissions apply as they do for a real service user.
    /// `standardInput` is piped to the process (else it reads an empty file).
    /// `executable` runs another program instead (e.g. `script` wrapping the binary).
    /// `duringProcess` is `during` with the process id, for tests that signal it themselves.
    func run(
        _ arguments: [String], environment: [String: String] = [:], unprivileged: Bool = false,
        standardInput: String? = nil, executable: URL? = nil, signalWhen: (@Sendable () -> Bool)? = nil,
        signal: Int32 = SIGTERM, during: ((PipeCollector) async throws -> Void)? = nil,
        duringProcess: ((PipeCollector, pid_t) async throws -> Void)? = nil
    ) async throws -> Result {
        let process = SpawnedProcess()
        if let executable {
            process.executableURL = executable
            process.arguments = arguments
        } else if unprivileged, geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", Self.binary.path] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = folder
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = .pipe(output)
        process.standardError = .pipe(errors)
        let input = standardInput.map { _ in Pipe() }
        process.standardInput = input.map { .pipe($0) } ?? .null
        // Close-on-exec in this process as well: SpawnedProcess closes every
        // other descriptor in its own children, but a notify command or exec
        // program that tokensmith starts must not hold these pipes either.
        for pipe in [output, errors] + (input.map { [$0] } ?? []) {
            _ = fcntl(pipe.fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipe.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        }
        let outputData = PipeCollector(output.fileHandleForReading)
        let errorData = PipeCollector(errors.fileHandleForReading)
        let exit = ExitWaiter()
        process.terminationHandler = { exit.finish($0.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            throw error
        }
        if let input, let standardInput {
            // Written on its own thread: a large input must not block the test on a full pipe.
            Thread {
                input.fileHandleForWriting.write(Data(standardInput.utf8))
                try? input.fileHandleForWriting.close()
            }.start()
        }
        if let signalWhen {
            let pid = process.processIdentifier
            Thread {
                let giveUp = ContinuousClock.now + .seconds(60)
                while kill(pid, 0) == 0, ContinuousClock.now < giveUp {
                    if signalWhen() {
                        kill(pid, signal)
                        return
                    }
                    usleep(10_000)
                }
            }.start()
        }
        let pid = process.processIdentifier
        // A watchdog: a tokensmith still running after `limit` is killed, so a
        // hang (in tokensmith or in this test) fails the test instead of the run.
        let limit = Self.processLimit
        Thread {
            let giveUp = ContinuousClock.now + limit
            while !exit.isFinished, ContinuousClock.now < giveUp { usleep(100_000) }
            if !exit.isFinished {
                FileHandle.standardError.write(
                    Data("RunHarness: tokensmith \(arguments.first ?? "") still ran after \(limit); killed\n".utf8))
                kill(pid, SIGKILL)
            }
        }.start()
        if during != nil || duringProcess != nil {
            do {
                try await during?(errorData)
                try await duringProcess?(errorData, pid)
            } catch {
                process.terminate()
                _ = await exit.status()
                throw error
            }
        }
        let status = await exit.status()
        return Result(status: status, standardOutput: await outputData.text(), standardError: await errorData.text())
    }
}

/// Reads a pipe to its end on a background thread, keeping what arrived so
/// far visible to ``waitFor(_:)``.
final class PipeCollector: Sendable {
    /// What arrived so far, whether the pipe ended, and who waits for more.
    private struct State {
        var data = Data()
        var done = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    init(_ handle: FileHandle) {
        Thread {
            while true {
                let chunk = handle.availableData
                let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
                    state.data.append(chunk)
                    if chunk.isEmpty { state.done = true }
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
                if chunk.isEmpty { return }
            }
        }.start()
    }

    /// Everything the pipe carried, once the writer closed it.
    func text() async -> String {
        while !state.withLockedValue({ $0.done }) { await nextChunk() }
        return state.withLockedValue { String(decoding: $0.data, as: UTF8.self) }
    }

    /// Waits until what arrived so far contains `needle` (true) or the pipe
    /// ended without it (false).
    func waitFor(_ needle: String) async -> Bool {
        while true {
            let (text, finished) = state.withLockedValue { (String(decoding: $0.data, as: UTF8.self), $0.done) }
            if text.contains(needle) { return true }
            if finished { return false }
            await nextChunk()
        }
    }

    /// Waits until what arrived so far contains `needle` at least `count`
    /// times (true) or the pipe ended first (false).
    func waitFor(_ needle: String, count: Int) async -> Bool {
        while true {
            let (text, finished) = state.withLockedValue { (String(decoding: $0.data, as: UTF8.self), $0.done) }
            if text.components(separatedBy: needle).count - 1 >= count { return true }
            if finished { return false }
            await nextChunk()
        }
    }

    /// Whether the writer closed the pipe (the process and its children ended).
    var finished: Bool { state.withLockedValue { $0.done } }

    /// What arrived so far.
    func textSoFar() -> String {
        state.withLockedValue { String(decoding: $0.data, as: UTF8.self) }
    }

    /// Returns after the next chunk (or the end) arrived.
    private func nextChunk() async {
        let seen = state.withLockedValue { $0.data.count }
        await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Bool in
                if state.done || state.data.count != seen { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// The exit status of a process, awaited without blocking a thread.
final class ExitWaiter: Sendable {
    /// The status once known, and who waits for it.
    private struct State {
        var code: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    func finish(_ status: Int32) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Int32, Never>] in
            state.code = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// Whether the process has ended.
    var isFinished: Bool { state.withLockedValue { $0.code != nil } }

    func status() async -> Int32 {
        await withCheckedContinuation { continuation in
            let known = state.withLockedValue { state -> Int32? in
                if let code = state.code { return code }
                state.waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }
}

/// Starts LocalIssuers for a test and always shuts them down.
func withIssuers<T>(_ configurations: [LocalIssuer.Configuration], _ body: ([LocalIssuer]) async throws -> T) async throws -> T {
    var issuers: [LocalIssuer] = []
    do {
        for configuration in configurations { issuers.append(try await LocalIssuer.start(configuration)) }
        let result = try await body(issuers)
        for issuer in issuers { try await issuer.shutdown() }
        return result
    } catch {
        for issuer in issuers { try? await issuer.shutdown() }
        throw error
    }
}

/// Parses a JSON object from text.
func jsonObject(_ text: String?) throws -> [String: Any] {
    let data = Data((text ?? "").utf8)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}
