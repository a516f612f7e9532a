public import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for tests, started with `posix_spawn`: the part of
/// Foundation's `Process` the tests use, without its launch path.
///
/// Foundation's `Process.run()` on Linux (Swift 6.3) finds the highest open
/// descriptor by copying whole `dirent` records out of `/proc/self/fd`, which
/// over-reads glibc's buffer and now and then crashes the whole test run
/// (swift-corelibs-foundation pull request 5472). Here the child closes every
/// descriptor above 2 with `posix_spawn_file_actions_addclosefrom_np`, so no
/// directory is read and no test's pipe leaks into another test's child.
public final class SpawnedProcess: @unchecked Sendable {
    /// What the child's standard input, output or error is connected to.
    public enum Stream {
        /// The child inherits this process's descriptor.
        case inherit
        /// `/dev/null`.
        case null
        /// This open file (the child gets a duplicate).
        case file(FileHandle)
        /// The child's end of this pipe; this process closes that end once the child started.
        case pipe(Pipe)
    }

    /// The program to run (not looked up on `PATH`).
    public var executableURL: URL?
    /// The arguments after the program's name.
    public var arguments: [String] = []
    /// The whole environment of the child; `nil` inherits this process's.
    public var environment: [String: String]?
    /// The child's working directory; `nil` keeps this process's.
    public var currentDirectoryURL: URL?
    /// The child's standard input (`/dev/null` unless set).
    public var standardInput: Stream = .null
    /// The child's standard output.
    public var standardOutput: Stream = .inherit
    /// The child's standard error.
    public var standardError: Stream = .inherit
    /// Called once, on a background thread, when the child has ended (at
    /// once, if it ended before this was set).
    public var terminationHandler: (@Sendable (SpawnedProcess) -> Void)? {
        get { handler.withLockedValue { $0 } }
        set {
            let call = handler.withLockedValue { handler -> Bool in
                handler = newValue
                return ended.withLockedValue { $0 != nil }
            }
            if call { newValue?(self) }
        }
    }

    /// How a child ended.
    public enum TerminationReason: Sendable {
        /// It exited.
        case exit
        /// A signal ended it.
        case uncaughtSignal
    }

    /// The child's process id, once ``run()`` returned.
    public private(set) var processIdentifier: pid_t = 0

    private let ended = NIOLockedValueBox<(status: Int32, reason: TerminationReason)?>(nil)
    private let handler = NIOLockedValueBox<(@Sendable (SpawnedProcess) -> Void)?>(nil)
    private let endSignal = DispatchSemaphore(value: 0)

    /// A process to configure, then start with ``run()``.
    public init() {}

    /// The exit status, or the number of the signal that ended the child (as
    /// Foundation's `Process` reports it). Only meaningful once it ended.
    public var terminationStatus: Int32 { ended.withLockedValue { $0?.status } ?? 0 }

    /// Whether the child exited or a signal ended it. Only meaningful once it ended.
    public var terminationReason: TerminationReason { ended.withLockedValue { $0?.reason } ?? .exit }

    /// Whether the child was started and has not ended yet.
    public var isRunning: Bool { processIdentifier != 0 && ended.withLockedValue { $0 == nil } }

    /// Starts the child; a thread of its own reaps it and calls ``terminationHandler``.
    public func run() throws {
        guard let executable = executableURL?.path else { throw SpawnFailure(program: "(none)", code: ENOENT) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, target) in [(standardInput, Int32(0)), (standardOutput, 1), (standardError, 2)] {
            switch stream {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let handle): posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            case .pipe(let pipe):
                let end = target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
            }
        }
        guard Self.addCloseFrom(&actions, 3) == 0 else { throw SpawnFailure(program: executable, code: errno) }
        if let directory = currentDirectoryURL?.path {
            guard Self.addChdir(&actions, directory) == 0 else { throw SpawnFailure(program: executable, code: errno) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let variables = environment ?? ProcessInfo.processInfo.environment
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnFailure(program: executable, code: result) }
        processIdentifier = pid
        let child = pid

        // The child holds its own copies now: closing ours lets a reader see
        // the end of the pipe when the child (and its children) end.
        for (stream, isInput) in [(standardInput, true), (standardOutput, false), (standardError, false)] {
            if case .pipe(let pipe) = stream {
                try? (isInput ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
            }
        }
        Thread { [self] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
            let signal = status & 0x7f
            let callback = handler.withLockedValue { handler in
                ended.withLockedValue { $0 = signal == 0 ? ((status >> 8) & 0xff, .exit) : (signal, .uncaughtSignal) }
                return handler
            }
            endSignal.signal()
            callback?(self)
        }.start()
    }

    /// Sends SIGTERM to the child if it still runs.
    public func terminate() {
        if isRunning { kill(processIdentifier, SIGTERM) }
    }

    /// Blocks the calling thread until the child has ended.
    public func waitUntilExit() {
        guard processIdentifier != 0, ended.withLockedValue({ $0 == nil }) else { return }
        endSignal.wait()
        endSignal.signal()
    }

    /// The child could not be started.
    public struct SpawnFailure: Error, CustomStringConvertible {
        /// The program as given.
        public let program: String
        /// The `errno` value.
        public let code: Int32
        /// The program and the system's message for the error.
        public var description: String { "\(program): \(String(cString: strerror(code)))" }
    }

    // glibc's `_np` file actions (2.29 and 2.34), which Swift's Glibc module
    // does not import because they need `_GNU_SOURCE`.
    private typealias ChdirAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias CloseFromAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let addChdir: ChdirAction = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
            fatalError("glibc 2.29 or later is needed (posix_spawn_file_actions_addchdir_np)")
        }
        return unsafeBitCast(symbol, to: ChdirAction.self)
    }()

    private static let addCloseFrom: CloseFromAction = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc 2.34 or later is needed (posix_spawn_file_actions_addclosefrom_np)")
        }
        return unsafeBitCast(symbol, to: CloseFromAction.self)
    }()
}
