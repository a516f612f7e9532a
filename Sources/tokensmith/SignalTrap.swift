import Dispatch
import Foundation
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
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var signal: Int32?
    private var task: Task<RunSummary, Never>?
    private var announce: (@Sendable (Int32) -> Void)?

    /// Records a signal and cancels the run if it is running.
    func request(_ number: Int32) {
        let (task, announce) = lock.withLock { () -> (Task<RunSummary, Never>?, (@Sendable (Int32) -> Void)?) in
            signal = number
            return (self.task, self.announce)
        }
        announce?(number)
        task?.cancel()
    }

    /// Attaches the run's task; cancels it at once if a signal already came.
    func attach(_ task: Task<RunSummary, Never>, announce: @escaping @Sendable (Int32) -> Void) {
        let pending = lock.withLock { () -> Int32? in
            self.task = task
            self.announce = announce
            return signal
        }
        if let pending {
            announce(pending)
            task.cancel()
        }
    }
}
