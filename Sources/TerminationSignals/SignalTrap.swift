import Dispatch
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Delivers signals (SIGINT and SIGTERM unless told otherwise; `watch` adds
/// SIGHUP) to a handler instead of their default action (ending the
/// process), through dispatch signal sources on a private serial queue.
///
/// Shared by `tokensmith` (a signal cancels the run) and `tokensmith-local-issuer`
/// (a signal shuts the server down). Not `Sendable`: the task that creates a trap
/// keeps it and cancels it; the handler is what crosses to the signal queue.
public final class SignalTrap {
    /// The signals trapped.
    public static let signals: [Int32] = [SIGINT, SIGTERM]

    private let sources: [any DispatchSourceSignal]
    private let trapped: [Int32]

    /// Starts trapping `signals`; `onSignal` runs on a private serial queue
    /// (named `label`) with the signal number.
    public init(
        signals: [Int32] = SignalTrap.signals, label: String = "tokensmith.signals", onSignal: @escaping @Sendable (Int32) -> Void
    ) {
        let queue = DispatchQueue(label: label)
        trapped = signals
        sources = signals.map { number in
            // Ignored, so the source receives it instead of the default action.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { onSignal(number) }
            source.resume()
            return source
        }
    }

    /// Stops trapping and restores the default actions.
    public func cancel() {
        for source in sources { source.cancel() }
        for number in trapped { signal(number, SIG_DFL) }
    }
}
