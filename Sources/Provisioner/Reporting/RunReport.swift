public import struct Foundation.Date

/// The `--report` document: every selected client's outcome, as JSON.
///
/// It holds names, statuses, error codes and messages, counts and times —
/// never a token or a secret — so CI systems can keep it as an artifact.
public enum RunReport {
    /// The report's bytes (UTF-8 JSON, keys in a fixed order, ending with a newline).
    public static func render(_ summary: RunSummary, finishedAt: Date) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + summary.results.count * 256)
        func text(_ string: String) { out.append(contentsOf: string.utf8) }
        func member(_ name: String, _ first: Bool = false) {
            if !first { text(",") }
            text("\n  ")
            JSONText.appendString(name, to: &out)
            text(": ")
        }
        text("{")
        member("version", true); text("1")
        member("finished_at"); JSONText.appendString(RFC3339.string(from: finishedAt), to: &out)
        member("duration_seconds"); text(seconds(summary.duration))
        member("exit_status"); text(String(summary.exitStatus))
        member("interrupted"); text(summary.interrupted ? "true" : "false")
        member("deadline_exceeded"); text(summary.deadlineExceeded ? "true" : "false")
        member("held_back"); text(summary.heldBack ? "true" : "false")
        member("counts")
        text("{")
        let statuses: [ClientResult.Status] = [.granted, .skipped, .failed, .cancelled, .planned]
        for (index, status) in statuses.enumerated() {
            if index > 0 { text(", ") }
            JSONText.appendString(status.rawValue, to: &out)
            text(": \(summary.count(status))")
        }
        text("}")
        member("files"); text("{\"written\": \(summary.filesWritten), \"unchanged\": \(summary.filesUnchanged)}")
        member("write_errors"); text("[")
        for (index, error) in summary.writeErrors.enumerated() {
            if index > 0 { text(", ") }
            JSONText.appendString(error.message, to: &out)
        }
        text("]")
        member("clients"); text("[")
        for (index, result) in summary.results.enumerated() {
            text(index == 0 ? "\n    {" : ",\n    {")
            JSONText.appendString("name", to: &out); text(": "); JSONText.appendString(result.name, to: &out)
            text(", "); JSONText.appendString("issuer", to: &out); text(": "); JSONText.appendString(result.issuer, to: &out)
            text(", "); JSONText.appendString("client_id", to: &out); text(": "); JSONText.appendString(result.clientID, to: &out)
            text(", \"status\": "); JSONText.appendString(result.status.rawValue, to: &out)
            text(", \"attempts\": \(result.attempts)")
            text(", \"duration_seconds\": \(seconds(result.duration))")
            text(", \"expires_at\": ")
            if let expiresAt = result.expiresAt { JSONText.appendString(RFC3339.string(from: expiresAt), to: &out) } else { text("null") }
            text(", \"error_code\": ")
            if let code = result.errorCode { JSONText.appendString(code.description, to: &out) } else { text("null") }
            text(", \"detail\": ")
            if let detail = result.detail { JSONText.appendString(detail, to: &out) } else { text("null") }
            text("}")
        }
        text(summary.results.isEmpty ? "]" : "\n  ]")
        text("\n}\n")
        return out
    }

    /// Seconds with millisecond precision, as a JSON number.
    static func seconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
