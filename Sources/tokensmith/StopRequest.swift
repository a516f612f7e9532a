import Foundation
import NIOConcurrencyHelpers
import Provisioner

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
