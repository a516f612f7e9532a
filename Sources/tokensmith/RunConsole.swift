import Foundation
import Logging
import Provisioner

/// Shows a run to people and machines: a live progress line on a terminal,
/// JSON events for log collectors, warnings always. Standard output stays free
/// for outputs written to `-`.
final class RunConsole: RunObserver, @unchecked Sendable {
    private let logger: Logger
    private let json: Bool
    private let quiet: Bool
    private let showProgress: Bool
    private let lock = NSLock()
    private var total = 0
    private var counts: [ClientResult.Status: Int] = [:]
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var progressVisible = false

    init(logger: Logger, json: Bool, quiet: Bool) {
        self.logger = logger
        self.json = json
        self.quiet = quiet
        self.showProgress = !json && !quiet && isatty(STDERR_FILENO) == 1
    }

    func planned(toGrant: Int, toSkip: Int) {
        lock.withLock { total = toGrant + toSkip }
        if json {
            logger.info("plan", metadata: ["to_grant": .stringConvertible(toGrant), "to_skip": .stringConvertible(toSkip)])
        }
    }

    func finished(_ result: ClientResult) {
        let line: String? = lock.withLock {
            counts[result.status, default: 0] += 1
            guard showProgress else { return nil }
            let now = ContinuousClock.now
            let done = counts.values.reduce(0, +)
            guard now - lastDraw >= .milliseconds(100) || done == total else { return nil }
            lastDraw = now
            progressVisible = true
            return "\r\u{1B}[K[\(done)/\(total)] \(counts[.granted, default: 0]) granted, \(counts[.skipped, default: 0]) skipped, \(counts[.failed, default: 0]) failed"
        }
        if let line { StandardErrorLock.write(line) }
        guard json else { return }
        var metadata: Logger.Metadata = [
            "client": .string(result.name), "issuer": .string(result.issuer), "status": .string(result.status.rawValue),
            "attempts": .stringConvertible(result.attempts), "duration_seconds": .stringConvertible(result.duration),
        ]
        if let code = result.errorCode { metadata["error_code"] = .string(code) }
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

    /// Removes the progress line before the summary is printed.
    func clearProgress() {
        let visible = lock.withLock { () -> Bool in
            defer { progressVisible = false }
            return progressVisible
        }
        if visible { StandardErrorLock.write("\r\u{1B}[K") }
    }
}
