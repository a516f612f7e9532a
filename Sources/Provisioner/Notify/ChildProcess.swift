package import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts a child process the way a daemon should: standard input from
/// `/dev/null`, every other descriptor but standard output and error closed
/// (the health listener, connections and lock files must not outlive
/// tokensmith in a long-running child), every signal at its default action
/// and none blocked (tokensmith ignores SIGINT, SIGTERM and SIGHUP to receive
/// them as events; a child must not inherit that).
///
/// A notify command writes both its outputs to tokensmith's standard error;
/// the program `exec --watch` supervises keeps tokensmith's standard output
/// and error, in a process group of its own.
package enum ChildProcess {
    /// How a child ended.
    package enum Exit: Equatable, Sendable {
        /// It exited with this status.
        case status(Int32)
        /// A signal ended it.
        case signal(Int32)

        /// The status a shell would report: the exit status, or 128 plus the signal.
        package var shellStatus: Int32 {
            switch self {
            case .status(let status): status
            case .signal(let signal): 128 + signal
            }
        }
    }

    /// Where a child's standard output goes.
    package enum Output: Sendable {
        /// To tokensmith's standard error, beside the child's own (notify commands:
        /// tokensmith's standard output carries only what a command produces).
        case standardError
        /// To tokensmith's standard output.
        case standardOutput
    }

    /// Spawns `arguments` (`arguments[0]` looked up on `PATH` unless it holds a `/`) with `environment`.
    /// With `ownProcessGroup` the child leads a new process group, so a
    /// terminal's Ctrl-C reaches only tokensmith, which forwards it once.
    package static func spawn(
        _ arguments: [String], environment: [String: String], output: Output = .standardError, ownProcessGroup: Bool = false
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if output == .standardError { posix_spawn_file_actions_adddup2(&actions, 2, 1) }
        for descriptor in openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
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
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnError(program: arguments[0], code: result) }
        return pid
    }

    /// Waits for `pid` on a thread of its own (not the cooperative pool).
    package static func wait(_ pid: pid_t) async -> Exit {
        await withCheckedContinuation { continuation in
            Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? .status((status >> 8) & 0xff) : .signal(signal))
            }.start()
        }
    }

    /// The descriptors open in this process now.
    private static func openDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        return names.compactMap { Int32($0) }
    }

    /// The program could not be started.
    package struct SpawnError: Error, CustomStringConvertible {
        /// The program as given.
        package let program: String
        /// The `errno` value `posix_spawnp` returned.
        package let code: Int32
        package var description: String { "\(program): \(String(cString: strerror(code)))" }

        /// What a shell answers: 127 when the program was not found, 126 when it cannot be run.
        package var shellStatus: Int32 { code == ENOENT || code == ENOTDIR ? 127 : 126 }
    }
}
