import Dispatch
import Foundation
import NIOConcurrencyHelpers
import Provisioner

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

/// Connects a trapped signal to the run's task, also when the signal came
/// before the task existed (during start-up): the task is then cancelled as
/// soon as it is attached.
final class StopRequest: Sendable {
    /// The signal that came, and the run to cancel when one does.
    private struct State {
        var signal: Int32?
        var task: Task<RunSummary, Never>?
        var announce: (@Sendable (Int32) -> Void)?
    }

    private let state = NIOLockedValueBox(State())

    /// Records a signal and cancels the run if it is running.
    func request(_ number: Int32) {
        let (task, announce) = state.withLockedValue { state in
            state.signal = number
            return (state.task, state.announce)
        }
        announce?(number)
        task?.cancel()
    }

    /// Attaches the run's task; cancels it at once if a signal already came.
    func attach(_ task: Task<RunSummary, Never>, announce: @escaping @Sendable (Int32) -> Void) {
        let pending = state.withLockedValue { state -> Int32? in
            state.task = task
            state.announce = announce
            return state.signal
        }
        if let pending {
            announce(pending)
            task.cancel()
        }
    }
}
