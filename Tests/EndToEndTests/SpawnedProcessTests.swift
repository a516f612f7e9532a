import Foundation
import TestProcessSupport
import Testing

/// The launcher every end-to-end test starts programs with: what it promises
/// (no leaked descriptors, the working directory, how a child ended) is what
/// the other tests rely on.
@Suite("SpawnedProcess, the tests' launcher")
struct SpawnedProcessTests {
    /// Runs `/bin/sh -c script` and returns its exit status, reason and standard output.
    private func shell(
        _ script: String, in folder: URL? = nil
    ) async throws -> (status: Int32, reason: SpawnedProcess.TerminationReason, output: String) {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = .pipe(output)
        let collector = PipeCollector(output.fileHandleForReading)
        let exit = ExitWaiter()
        process.terminationHandler = { exit.finish($0.terminationStatus) }
        try process.run()
        let status = await exit.status()
        return (status, process.terminationReason, await collector.text())
    }

    @Test("a child holds only standard input, output and error, even while this process has other files open")
    func noInheritedDescriptors() async throws {
        // Open descriptors that are not close-on-exec, as Foundation's Pipe makes them.
        let held = Pipe()
        let heldNumber = held.fileHandleForWriting.fileDescriptor
        #expect(fcntl(heldNumber, F_GETFD) & FD_CLOEXEC == 0)
        let run = try await shell("ls /proc/$$/fd")
        #expect(run.status == 0)
        let open = Set(run.output.split(separator: "\n").compactMap { Int32($0) })
        #expect(open.isSuperset(of: [0, 1, 2]))
        // sh may hold one descriptor of its own (the directory ls reads is ls's).
        #expect(!open.contains(heldNumber))
        #expect(open.subtracting([0, 1, 2]).count <= 1)
    }

    @Test("the child starts in the working directory it was given")
    func workingDirectory() async throws {
        let harness = try RunHarness()
        let run = try await shell("pwd -P", in: harness.folder)
        #expect(run.output.trimmingCharacters(in: .newlines) == harness.folder.resolvingSymlinksInPath().path)
    }

    @Test("an exit status and an ending signal are told apart, as Foundation's Process reports them")
    func exitAndSignal() async throws {
        let exited = try await shell("exit 3")
        #expect(exited.status == 3)
        #expect(exited.reason == .exit)
        let killed = try await shell("kill -TERM $$")
        #expect(killed.status == SIGTERM)
        #expect(killed.reason == .uncaughtSignal)
    }

    @Test("a program that cannot be started is an error naming it, and no child is left")
    func missingProgram() throws {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/nonexistent/program")
        #expect(throws: SpawnedProcess.SpawnFailure.self) { try process.run() }
        #expect(!process.isRunning)
    }
}
