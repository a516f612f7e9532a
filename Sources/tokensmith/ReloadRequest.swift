import NIOConcurrencyHelpers

/// Connects SIGHUP to the running watcher; a SIGHUP that comes while no
/// watcher is attached (between two) reaches the next one.
final class ReloadRequest: Sendable {
    private struct State {
        var pending = false
        var action: (@Sendable () -> Void)?
    }

    private let state = NIOLockedValueBox(State())

    /// A SIGHUP came.
    func request() {
        let action = state.withLockedValue { state -> (@Sendable () -> Void)? in
            if state.action == nil { state.pending = true }
            return state.action
        }
        action?()
    }

    /// Attaches the current watcher's reload; runs it at once if a SIGHUP is pending.
    func attach(_ action: @escaping @Sendable () -> Void) {
        let pending = state.withLockedValue { state -> Bool in
            state.action = action
            defer { state.pending = false }
            return state.pending
        }
        if pending { action() }
    }
}
