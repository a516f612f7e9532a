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
        var cancel: (@Sendable () -> Void)?
        var announce: (@Sendable (Int32) -> Void)?
    }

    private let state = NIOLockedValueBox(State())

    /// Records a signal and cancels the run if it is running.
    func request(_ number: Int32) {
        let (task, announce) = state.withLockedValue { state in
            state.signal = number
            return (state.cancel, state.announce)
        }
        announce?(number)
        task?()
    }

    /// Attaches the run's task; cancels it at once if a signal already came.
    func attach<Success: Sendable>(_ task: Task<Success, Never>, announce: @escaping @Sendable (Int32) -> Void) {
        let pending = state.withLockedValue { state -> Int32? in
            state.cancel = { task.cancel() }
            state.announce = announce
            return state.signal
        }
        if let pending {
            announce(pending)
            task.cancel()
        }
    }
}
