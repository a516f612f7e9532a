import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into cancellation of one task, so a run stops
/// cleanly: in-flight requests are cancelled, files already staged are either
/// committed whole or removed, and the exit status says the run was interrupted.
final class SignalTrap: @unchecked Sendable {
    // Dispatch sources are thread-safe; they are only created and cancelled here.
    private let sources: [any DispatchSourceSignal]

    /// Starts trapping; `onSignal` runs on a private queue with the signal number.
    init(onSignal: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "tokensmith.signals")
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { onSignal(number) }
            source.resume()
            return source
        }
    }

    /// Stops trapping and restores the default actions.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
