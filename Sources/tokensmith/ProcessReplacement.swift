import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `exec`'s last step: this process becomes the program (`execve`), so the
/// program is PID 1 in a container, receives signals directly, and its exit
/// status is the container's.
enum ProcessReplacement {
    /// Replaces the process with `arguments` (`arguments[0]` looked up on the
    /// `PATH` of `environment` unless it holds a `/`). Returns only when that
    /// failed: 127 when the program was not found, 126 when it cannot be run,
    /// with the message a shell would print.
    static func replace(with arguments: [String], environment: [String: String]) -> (status: Int32, message: String) {
        let program = arguments[0]
        let candidates: [String]
        if program.contains("/") {
            candidates = [program]
        } else {
            let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            candidates = path.split(separator: ":", omittingEmptySubsequences: false).map {
                ($0.isEmpty ? "." : String($0)) + "/" + program
            }
        }
        prepareForReplacement()
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        var denied = false
        for candidate in candidates {
            execve(candidate, argv, envp)
            // Only failures return: keep looking on PATH after "not found".
            if errno == EACCES { denied = true }
        }
        if denied || (program.contains("/") && FileManager.default.fileExists(atPath: program)) {
            return (126, "\(program): permission denied (not an executable file)")
        }
        return (127, "\(program): command not found")
    }

    /// What a new program must not inherit: signal dispositions other than the
    /// default (tokensmith ignores SIGINT, SIGTERM and SIGHUP to receive them as
    /// events), a blocked signal mask (Dispatch blocks the signals it
    /// watches), and descriptors other than standard input, output and error.
    private static func prepareForReplacement() {
        for number in 1..<Int32(32) where number != SIGKILL && number != SIGSTOP {
            signal(number, SIG_DFL)
        }
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            for descriptor in names.compactMap({ Int32($0) }) where descriptor > 2 {
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            }
        }
    }
}
