#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `watch` does to tell a consumer that an output changed: declared per
/// output under `notify`, checked by `validate`.
package enum NotifyAction: Sendable, Hashable, CustomStringConvertible {
    /// Runs a program: `arguments[0]` found on `PATH` unless it holds a `/`;
    /// no shell unless the manifest asked for one (then the arguments are
    /// `/bin/sh -c TEXT`). Stopped (SIGTERM, then SIGKILL) after `timeout`.
    case command(arguments: [String], timeout: Duration)
    /// Sends `signal` to the process whose id the file at `pidFile` holds.
    case signal(NotifySignal, pidFile: String)

    /// `command nginx` or `signal HUP to the process in /run/nginx.pid`, for
    /// logs: the program only, since arguments may hold what must not be logged.
    package var description: String {
        switch self {
        case .command(let arguments, _) where arguments.count == 3 && arguments[0] == "/bin/sh" && arguments[1] == "-c":
            "shell command"
        case .command(let arguments, _): "command \(arguments[0])"
        case .signal(let signal, let pidFile): "signal \(signal.name) to the process in \(pidFile)"
        }
    }
}

/// The signals a `notify` entry may send, by name.
package enum NotifySignal: String, Sendable, Hashable, CaseIterable {
    case hup = "HUP"
    case usr1 = "USR1"
    case usr2 = "USR2"
    case term = "TERM"
    case int = "INT"
    case quit = "QUIT"
    case winch = "WINCH"

    /// `HUP`.
    package var name: String { rawValue }

    /// The signal number on this system.
    package var number: Int32 {
        switch self {
        case .hup: SIGHUP
        case .usr1: SIGUSR1
        case .usr2: SIGUSR2
        case .term: SIGTERM
        case .int: SIGINT
        case .quit: SIGQUIT
        case .winch: SIGWINCH
        }
    }

    /// Parses `HUP` or `SIGHUP`, any case.
    package init?(parsing text: String) {
        let upper = text.uppercased()
        self.init(rawValue: upper.hasPrefix("SIG") ? String(upper.dropFirst(3)) : upper)
    }
}
