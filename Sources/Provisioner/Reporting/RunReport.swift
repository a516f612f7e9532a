package import Foundation

/// The `--report` document: every selected client's outcome, as JSON.
///
/// It holds names, statuses, error codes and messages, counts and times —
/// never a token or a secret — so CI systems can keep it as an artifact.
package enum RunReport {
    /// The report's bytes: UTF-8 JSON from `JSONEncoder` (pretty-printed, keys
    /// sorted), ending with a newline.
    package static func render(_ summary: RunSummary, finishedAt: Date) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every member is a string, number, boolean or null: encoding cannot fail.
        let data = (try? encoder.encode(Document(summary: summary, finishedAt: finishedAt))) ?? Data("{}".utf8)
        return Array(data) + [0x0A]
    }

    /// Seconds rounded to the millisecond.
    static func seconds(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }

    private struct Document: Encodable {
        let summary: RunSummary
        let finishedAt: Date

        enum Keys: String, CodingKey {
            case version, finishedAt = "finished_at", durationSeconds = "duration_seconds", exitStatus = "exit_status"
            case interrupted, deadlineExceeded = "deadline_exceeded", heldBack = "held_back", counts, files
            case writeErrors = "write_errors", clients
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .version)
            try container.encode(RFC3339.string(from: finishedAt), forKey: .finishedAt)
            try container.encode(RunReport.seconds(summary.duration), forKey: .durationSeconds)
            try container.encode(summary.exitStatus, forKey: .exitStatus)
            try container.encode(summary.interrupted, forKey: .interrupted)
            try container.encode(summary.deadlineExceeded, forKey: .deadlineExceeded)
            try container.encode(summary.heldBack, forKey: .heldBack)
            let statuses: [ClientResult.Status] = [.granted, .skipped, .failed, .cancelled, .planned]
            try container.encode(
                Dictionary(uniqueKeysWithValues: statuses.map { ($0.rawValue, summary.count($0)) }), forKey: .counts)
            try container.encode(["written": summary.filesWritten, "unchanged": summary.filesUnchanged], forKey: .files)
            try container.encode(summary.writeErrors.map(\.message), forKey: .writeErrors)
            try container.encode(summary.results.map(ClientEntry.init), forKey: .clients)
        }
    }

    private struct ClientEntry: Encodable {
        let result: ClientResult

        enum Keys: String, CodingKey {
            case name, issuer, clientID = "client_id", status, attempts, durationSeconds = "duration_seconds"
            case expiresAt = "expires_at", errorCode = "error_code", detail
        }

        /// Absent values are written as `null`, so every entry has every member.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(result.name, forKey: .name)
            try container.encode(result.issuer, forKey: .issuer)
            try container.encode(result.clientID, forKey: .clientID)
            try container.encode(result.status.rawValue, forKey: .status)
            try container.encode(result.attempts, forKey: .attempts)
            try container.encode(RunReport.seconds(result.duration), forKey: .durationSeconds)
            try container.encode(result.expiresAt.map(RFC3339.string(from:)), forKey: .expiresAt)
            try container.encode(result.errorCode?.description, forKey: .errorCode)
            try container.encode(result.detail, forKey: .detail)
        }
    }
}
