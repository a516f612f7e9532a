package import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The program `tokensmith exec --watch` runs as its child: started with a
/// given environment, restarted with a new one when a token it holds is
/// renewed, sent the signals tokensmith receives, and waited for.
///
/// Supervision ends when the child exits by itself (it is not started again)
/// or after ``forward(_:endingSupervision:)`` passed SIGTERM or SIGINT and
/// the child then exited; ``finished()`` returns how it ended. A restart sends
/// the stop signal, waits up to the grace period for the child to exit, then
/// sends SIGKILL, and starts the new child only once the old one is gone.
package final class CommandSupervisor: Sendable {
    /// A started child: its process id and the wait for its end.
    private struct Child {
        var pid: pid_t
        var exit: Task<ChildProcess.Exit, Never>
    }

    private struct State {
        /// The running child; still the old one while it is stopped for a restart.
        var child: Child?
        /// A restart is stopping the child: its end is not the end of supervision.
        var restarting = false
        /// SIGTERM or SIGINT came: no new child is started.
        var ending = false
        /// Signals that came before the first child was started.
        var pending: [Int32] = []
        /// How supervision ended, once it has.
        var result: ChildProcess.Exit?
        var waiters: [CheckedContinuation<ChildProcess.Exit, Never>] = []
    }

    /// The command and its arguments.
    package let command: [String]
    /// Sent to stop the child before a restart.
    package let stopSignal: Int32
    /// How long a stopping child may take before SIGKILL.
    package let stopGrace: Duration
    private let state = NIOLockedValueBox(State())

    /// A supervisor for `command`; nothing runs until ``start(environment:)``.
    package init(command: [String], stopSignal: Int32 = SIGTERM, stopGrace: Duration = .seconds(10)) {
        self.command = command
        self.stopSignal = stopSignal
        self.stopGrace = stopGrace
    }

    /// The running child's process id, if one runs.
    package var pid: pid_t? { state.withLockedValue { $0.child?.pid } }

    /// Starts the first child. Signals forwarded before reach it at once; if
    /// SIGTERM or SIGINT came, no child is started and supervision ends as if
    /// one had been ended by that signal. Throws when the program cannot be started.
    package func start(environment: [String: String]) throws {
        let endedBy = try state.withLockedValue { state -> Int32? in
            if state.ending { return state.pending.last { $0 == SIGTERM || $0 == SIGINT } ?? SIGTERM }
            let child = try spawn(environment)
            state.child = child
            for signal in state.pending { kill(child.pid, signal) }
            state.pending = []
            return nil
        }
        if let endedBy { finish(.signal(endedBy)) }
    }

    /// Sends `signal` to the child (or keeps it for the first child). With
    /// `endingSupervision` no child is started after this one.
    package func forward(_ signal: Int32, endingSupervision: Bool) {
        let pid = state.withLockedValue { state -> pid_t? in
            if endingSupervision { state.ending = true }
            if state.child == nil { state.pending.append(signal) }
            return state.child?.pid
        }
        if let pid { kill(pid, signal) }
    }

    /// Stops the child and starts it again with `environment`. Returns false
    /// when supervision is ending or over, so nothing was started (a child
    /// that was being stopped then counts as the last one). Throws when the
    /// new child cannot be started; supervision then ends with the shell's
    /// status for that (126 or 127).
    package func restart(environment: [String: String]) async throws -> Bool {
        guard
            let old = state.withLockedValue({ state -> Child? in
                guard !state.ending, state.result == nil, let child = state.child else { return nil }
                state.restarting = true
                return child
            })
        else { return false }
        kill(old.pid, stopSignal)
        // Not cancelled with the calling task: the child must be gone before anything else starts.
        let grace = stopGrace
        let killer = Task.detached {
            guard (try? await Task.sleep(for: grace)) != nil else { return }
            kill(old.pid, SIGKILL)
        }
        let exit = await old.exit.value
        killer.cancel()
        let started: Result<Bool, any Error> = state.withLockedValue { state in
            state.restarting = false
            if state.ending {
                state.child = nil
                return .success(false)
            }
            do {
                state.child = try spawn(environment)
                return .success(true)
            } catch {
                state.child = nil
                return .failure(error)
            }
        }
        switch started {
        case .success(true):
            return true
        case .success(false):
            finish(exit)
            return false
        case .failure(let error):
            finish(.status((error as? ChildProcess.SpawnError)?.shellStatus ?? 126))
            throw error
        }
    }

    /// How supervision ended: the last child's exit, once it exited by itself
    /// or after SIGTERM or SIGINT.
    package func finished() async -> ChildProcess.Exit {
        await withCheckedContinuation { continuation in
            let known = state.withLockedValue { state -> ChildProcess.Exit? in
                if let result = state.result { return result }
                state.waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    /// Spawns a child and watches for its end; called with the lock held.
    private func spawn(_ environment: [String: String]) throws -> Child {
        let pid = try ChildProcess.spawn(command, environment: environment, output: .standardOutput, ownProcessGroup: true)
        let exit = Task { await ChildProcess.wait(pid) }
        Task {
            let ended = await exit.value
            self.childExited(pid, ended)
        }
        return Child(pid: pid, exit: exit)
    }

    /// A child ended: the end of supervision unless a restart stopped it.
    private func childExited(_ pid: pid_t, _ exit: ChildProcess.Exit) {
        let own = state.withLockedValue { state -> Bool in
            guard state.child?.pid == pid, !state.restarting else { return false }
            state.child = nil
            return true
        }
        if own { finish(exit) }
    }

    /// Records how supervision ended (the first end counts) and wakes ``finished()``.
    private func finish(_ exit: ChildProcess.Exit) {
        let (result, waiters) = state.withLockedValue { state -> (ChildProcess.Exit, [CheckedContinuation<ChildProcess.Exit, Never>]) in
            let result = state.result ?? exit
            state.result = result
            defer { state.waiters = [] }
            return (result, state.waiters)
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}
