import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `notify` actions for `watch`, in the background.
///
/// Each action has at most one run in flight: triggers that arrive while it
/// runs are coalesced into one more run once it ends, with every client that
/// changed meanwhile. A command gets `TOKENSMITH_CHANGED_CLIENTS` (the client
/// names, comma-separated) in its environment, standard input from
/// `/dev/null`, and its output on tokensmith's standard error; it is stopped
/// with SIGTERM at its timeout and SIGKILL 5 seconds later. A failure is
/// reported, never fatal.
package final class NotifyDispatcher: Sendable {
    /// How one run ended, for the log.
    package struct Outcome: Sendable {
        /// The action.
        package var action: NotifyAction
        /// The clients whose change it announced.
        package var clients: [String]
        /// Whether it did its job (exit status 0, signal delivered).
        package var succeeded: Bool
        /// What happened: `exit status 0`, `timed out after 30s`, `no process 4242`.
        package var detail: String
    }

    private struct Slot {
        var running = false
        var pending: Set<String>?
    }

    private let slots = NIOLockedValueBox<[NotifyAction: Slot]>([:])
    /// Running loops by launch number; each removes itself when it ends.
    private let inFlight = NIOLockedValueBox<(next: Int, tasks: [Int: Task<Void, Never>])>((0, [:]))
    private let report: @Sendable (Outcome) -> Void

    /// A dispatcher that passes each finished run to `report`.
    package init(report: @escaping @Sendable (Outcome) -> Void) {
        self.report = report
    }

    /// Starts or queues each action; returns at once.
    package func trigger(_ triggers: [NotifyAction: [String]]) {
        for (action, clients) in triggers {
            let start = slots.withLockedValue { slots -> Bool in
                var slot = slots[action] ?? Slot()
                defer { slots[action] = slot }
                if slot.running {
                    slot.pending = (slot.pending ?? []).union(clients)
                    return false
                }
                slot.running = true
                return true
            }
            if start { launch(action, clients: clients) }
        }
    }

    /// Waits for every run in flight (and the runs queued behind them).
    package func drain() async {
        // A task is removed as the last step of its body, so once its value
        // is there it is gone from the table.
        while let task = inFlight.withLockedValue({ $0.tasks.values.first }) {
            await task.value
        }
    }

    private func launch(_ action: NotifyAction, clients: [String]) {
        // Created under the lock, so the task is in the table before its body
        // can remove it.
        inFlight.withLockedValue { inFlight in
            let number = inFlight.next
            inFlight.next += 1
            inFlight.tasks[number] = Task {
                var clients = clients
                while true {
                    let outcome = await Self.perform(action, clients: clients)
                    report(outcome)
                    let next = slots.withLockedValue { slots -> [String]? in
                        guard let pending = slots[action]?.pending else {
                            slots[action]?.running = false
                            return nil
                        }
                        slots[action]?.pending = nil
                        return pending.sorted()
                    }
                    guard let next else { break }
                    clients = next
                }
                _ = self.inFlight.withLockedValue { $0.tasks.removeValue(forKey: number) }
            }
        }
    }

    private static func perform(_ action: NotifyAction, clients: [String]) async -> Outcome {
        switch action {
        case .command(let arguments, let timeout):
            let (succeeded, detail) = await runCommand(arguments, timeout: timeout, clients: clients)
            return Outcome(action: action, clients: clients, succeeded: succeeded, detail: detail)
        case .signal(let signal, let pidFile):
            let (succeeded, detail) = send(signal, pidFile: pidFile)
            return Outcome(action: action, clients: clients, succeeded: succeeded, detail: detail)
        }
    }

    private static func runCommand(_ arguments: [String], timeout: Duration, clients: [String]) async -> (Bool, String) {
        var environment = ProcessInfo.processInfo.environment
        environment["TOKENSMITH_CHANGED_CLIENTS"] = clients.joined(separator: ",")
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(arguments, environment: environment)
        } catch {
            return (false, "could not start: \(error)")
        }
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return false }
            kill(pid, SIGTERM)
            guard (try? await Task.sleep(for: .seconds(5))) != nil else { return true }
            kill(pid, SIGKILL)
            return true
        }
        let exit = await ChildProcess.wait(pid)
        timer.cancel()
        if await timer.value { return (false, "timed out after \(DurationText.format(timeout)) and was stopped") }
        switch exit {
        case .status(let status): return (status == 0, "exit status \(status)")
        case .signal(let signal): return (false, "ended by signal \(signal)")
        }
    }

    private static func send(_ signal: NotifySignal, pidFile: String) -> (Bool, String) {
        let text: String
        do {
            text = String(decoding: try FileBytes.read(pidFile), as: UTF8.self)
        } catch {
            return (false, "the PID file \(pidFile) cannot be read (\(error)); is the process running?")
        }
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else {
            return (false, "the PID file \(pidFile) does not hold a process id")
        }
        guard kill(pid, signal.number) == 0 else {
            let reason = errno == ESRCH ? "no process \(pid) (stale PID file?)" : String(cString: strerror(errno))
            return (false, "SIG\(signal.name) was not delivered to \(pid): \(reason)")
        }
        return (true, "SIG\(signal.name) delivered to process \(pid)")
    }
}
