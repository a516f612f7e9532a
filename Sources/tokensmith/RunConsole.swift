import Foundation
import Logging
import NIOConcurrencyHelpers
import Provisioner

/// Shows a run to people and machines: a live progress line on a terminal,
/// a progress line every few seconds in a CI log, JSON events for log
/// collectors, warnings always. Standard output stays free for outputs
/// written to `-`.
final class RunConsole: RunObserver, Sendable {
    /// How progress reaches standard error.
    private enum ProgressStyle {
        /// No progress (JSON logs, `--quiet`).
        case none
        /// A terminal: one line redrawn in place.
        case redrawn
        /// A log file or pipe: a new line now and then.
        case periodic
    }

    private let logger: Logger
    private let json: Bool
    private let quiet: Bool
    private let style: ProgressStyle
    /// How often the timer shows progress.
    private let interval: Duration
    private let started = ContinuousClock.now
    private let state = NIOLockedValueBox(Progress())

    /// What the console has counted and drawn so far.
    private struct Progress {
        var total = 0
        var planned = false
        var counts: [ClientResult.Status: Int] = [:]
        var lastDraw = ContinuousClock.now - .seconds(1)
        var progressVisible = false
        var ticker: Task<Void, Never>?

        var done: Int { counts.values.reduce(0, +) }

        var tally: String {
            "\(counts[.granted, default: 0]) granted, \(counts[.skipped, default: 0]) skipped, \(counts[.failed, default: 0]) failed"
        }
    }

    /// - Parameter interval: how often progress is shown while grants run;
    ///   nil means every second on a terminal and every 5 seconds otherwise.
    init(logger: Logger, json: Bool, quiet: Bool, interval: Duration? = nil) {
        self.logger = logger
        self.json = json
        self.quiet = quiet
        let terminal = isatty(STDERR_FILENO) == 1
        self.style = json || quiet ? .none : terminal ? .redrawn : .periodic
        self.interval = interval ?? (terminal ? .seconds(1) : .seconds(5))
    }

    /// Starts the timer that shows progress every `interval` until ``stop()``,
    /// so a long run shows it is moving even while no client finishes.
    func start() {
        guard style != .none else { return }
        let interval = interval
        let task = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                self?.tick()
            }
        }
        state.withLockedValue { $0.ticker = task }
    }

    /// Stops the timer and removes the progress line before the summary is printed.
    func stop() {
        state.withLockedValue { state -> Task<Void, Never>? in
            defer { state.ticker = nil }
            return state.ticker
        }?.cancel()
        clearProgress()
    }

    func planned(toGrant: Int, toSkip: Int) {
        state.withLockedValue { state in
            state.total = toGrant + toSkip
            state.planned = true
        }
        if json {
            logger.info("plan", metadata: ["to_grant": .stringConvertible(toGrant), "to_skip": .stringConvertible(toSkip)])
        }
    }

    func finished(_ result: ClientResult) {
        let line: String? = state.withLockedValue { state in
            state.counts[result.status, default: 0] += 1
            guard style == .redrawn else { return nil }
            let now = ContinuousClock.now
            guard now - state.lastDraw >= .milliseconds(100) || state.done == state.total else { return nil }
            return redrawnLine(&state, now: now)
        }
        if let line { StandardErrorLock.write(line) }
        guard json else { return }
        var metadata: Logger.Metadata = [
            "client": .string(result.name), "issuer": .string(result.issuer), "status": .string(result.status.rawValue),
            "attempts": .stringConvertible(result.attempts), "duration_seconds": .stringConvertible(result.duration),
        ]
        if let code = result.errorCode { metadata["error_code"] = .string(code.description) }
        if let detail = result.detail { metadata["detail"] = .string(detail) }
        if let expiresAt = result.expiresAt { metadata["expires_at"] = .string(RFC3339.string(from: expiresAt)) }
        if result.status == .failed {
            logger.error("client failed", metadata: metadata)
        } else {
            logger.info("client \(result.status.rawValue)", metadata: metadata)
        }
    }

    func warning(_ message: String) {
        clearProgress()
        logger.warning("\(message)")
    }

    /// Removes the progress line from the terminal.
    func clearProgress() {
        let visible = state.withLockedValue { state -> Bool in
            defer { state.progressVisible = false }
            return state.progressVisible
        }
        if visible { StandardErrorLock.write("\r\u{1B}[K") }
    }

    /// The timer's turn: redraw the terminal line, or print a progress line
    /// to a log while clients are still running.
    private func tick() {
        let line: String? = state.withLockedValue { state in
            guard state.planned, state.ticker != nil else { return nil }
            switch style {
            case .none: return nil
            case .redrawn: return redrawnLine(&state, now: ContinuousClock.now)
            case .periodic:
                guard state.done < state.total else { return nil }
                return "tokensmith: progress: \(state.done)/\(state.total) done, \(state.tally) after \(elapsed(ContinuousClock.now))\n"
            }
        }
        if let line { StandardErrorLock.write(line) }
    }

    /// The terminal's progress line, noted in `state` as drawn.
    private func redrawnLine(_ state: inout Progress, now: ContinuousClock.Instant) -> String {
        state.lastDraw = now
        state.progressVisible = true
        return "\r\u{1B}[K[\(state.done)/\(state.total)] \(state.tally) (\(elapsed(now)))"
    }

    private func elapsed(_ now: ContinuousClock.Instant) -> String {
        let seconds = Int((now - started).components.seconds)
        return seconds < 60 ? "\(seconds)s" : "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s"
    }
}
