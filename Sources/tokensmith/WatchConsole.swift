import Foundation
import Logging
import Provisioner

/// What `watch` says while it runs: one line per renewal or failed renewal
/// once the batch's files are written, one line per batch with the next due time, warnings. Never a token.
final class WatchConsole: RunObserver, Sendable {
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func planned(toGrant: Int, toSkip: Int) {}

    /// Per-client lines wait for ``batchFinished(_:next:)``: a renewal is
    /// reported once its files are written, not when its grant returned.
    func finished(_ result: ClientResult) {}

    private func log(_ result: ClientResult) {
        var metadata: Logger.Metadata = ["client": .string(result.name), "issuer": .string(result.issuer)]
        switch result.status {
        case .granted:
            if let expiresAt = result.expiresAt { metadata["expires_at"] = .string(RFC3339.string(from: expiresAt)) }
            logger.info("renewed", metadata: metadata)
        case .failed:
            metadata["attempts"] = .stringConvertible(result.attempts)
            if let code = result.errorCode { metadata["error_code"] = .string(code.description) }
            if let detail = result.detail { metadata["detail"] = .string(detail) }
            if let expiresAt = result.expiresAt { metadata["keeps_token_until"] = .string(RFC3339.string(from: expiresAt)) }
            logger.error("renewal failed", metadata: metadata)
        case .skipped, .cancelled, .planned:
            break
        }
    }

    func warning(_ message: String) {
        logger.warning("\(message)")
    }

    /// After a batch is written: one line per renewed or failed client, then
    /// one line for the batch with the next due time.
    func batchFinished(_ summary: RunSummary, next: Date?) {
        for result in summary.results { log(result) }
        var metadata: Logger.Metadata = [
            "renewed": .stringConvertible(summary.count(.granted)), "failed": .stringConvertible(summary.count(.failed)),
            "files_written": .stringConvertible(summary.filesWritten),
        ]
        if let next { metadata["next_due"] = .string(RFC3339.string(from: next)) }
        for error in summary.writeErrors { logger.error("write error: \(error)") }
        logger.info("batch finished", metadata: metadata)
    }
}
