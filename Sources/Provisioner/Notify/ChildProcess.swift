import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts a notify command the way a daemon should: standard input from
/// `/dev/null`, standard output and error on tokensmith's standard error,
/// every other descriptor closed (the health listener, connections and lock
/// files must not outlive tokensmith in a long-running child), every signal
/// at its default action and none blocked (tokensmith ignores SIGINT, SIGTERM
/// and SIGHUP to receive them as events; a child must not inherit that).
enum ChildProcess {
    /// How a child ended.
    enum Exit: Equatable {
        case status(Int32)
        case signal(Int32)
    }

    /// Spawns `arguments` (`arguments[0]` looked up on `PATH` unless it holds a `/`) with `environment`.
    static func spawn(_ arguments: [String], environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
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
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

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
    static func wait(_ pid: pid_t) async -> Exit {
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
    struct SpawnError: Error, CustomStringConvertible {
        let program: String
        let code: Int32
        var description: String { "\(program): \(String(cString: strerror(code)))" }
    }
}
