package import Foundation

/// The table people read after a run: client, issuer, result, expiry,
/// attempts, duration, then one line per failure with the server's error or
/// the transport problem. Holds no token or secret.
package enum SummaryTable {
    /// The whole text, ending with a newline.
    package static func render(_ summary: RunSummary, now: Date = Date()) -> String {
        let header = ["CLIENT", "ISSUER", "RESULT", "EXPIRES", "ATTEMPTS", "TIME"]
        var rows: [[String]] = []
        rows.reserveCapacity(summary.results.count)
        for result in summary.results {
            rows.append([
                result.name, result.issuer, result.status.rawValue,
                result.expiresAt.map { expiry(at: $0, now: now) } ?? "-",
                result.attempts > 0 ? String(result.attempts) : "-",
                result.duration > 0 ? String(format: "%.2fs", result.duration) : "-",
            ])
        }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var text = line(header) + "\n"
        for row in rows { text += line(row) + "\n" }
        let dryRun = summary.count(.planned) > 0
        let planned = summary.results.filter { $0.status == .planned || ($0.status == .skipped && dryRun) }
        if !planned.isEmpty {
            text += "\nplan:\n"
            for result in planned { text += "  \(result.name): \(result.detail ?? result.status.rawValue)\n" }
        }
        let failures = summary.results.filter { $0.status == .failed || $0.status == .cancelled }
        if !failures.isEmpty {
            text += "\n"
            for failure in failures {
                text += "\(failure.name): \(failure.status.rawValue)"
                if let code = failure.errorCode { text += " [\(code)]" }
                if let detail = failure.detail { text += ": \(detail)" }
                text += "\n"
            }
        }
        for error in summary.writeErrors { text += "write error: \(error)\n" }
        text += "\n" + totals(summary) + "\n"
        return text
    }

    /// `12 granted, 3 skipped, 1 failed, 1 write error in 0.84s` and the file counts.
    package static func totals(_ summary: RunSummary) -> String {
        var parts: [String] = []
        for status in [ClientResult.Status.granted, .skipped, .planned, .failed, .cancelled] {
            let count = summary.count(status)
            if count > 0 || status == .granted || status == .failed { parts.append("\(count) \(status.rawValue)") }
        }
        // A file that was not written fails the run as a failed grant does; say so here too.
        let writeErrors = summary.writeErrors.count
        if writeErrors > 0 { parts.append("\(writeErrors) write error\(writeErrors == 1 ? "" : "s")") }
        var text = parts.joined(separator: ", ") + String(format: " in %.2fs", summary.duration)
        if summary.heldBack {
            text += "; --all-or-nothing: no output was changed"
        } else if summary.filesWritten + summary.filesUnchanged > 0 {
            text += "; \(summary.filesWritten) file(s) written, \(summary.filesUnchanged) unchanged"
        }
        if summary.deadlineExceeded { text += "; the deadline passed" }
        if summary.interrupted { text += "; interrupted" }
        return text
    }

    private static func expiry(at date: Date, now: Date) -> String {
        let left = date.timeIntervalSince(now)
        if left <= 0 { return "expired" }
        let minutes = Int(left / 60)
        if minutes < 60 { return "in \(max(minutes, 0))m" }
        if minutes < 48 * 60 { return "in \(minutes / 60)h\(minutes % 60)m" }
        return "in \(minutes / (24 * 60))d"
    }
}
