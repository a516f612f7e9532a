package import struct Foundation.Date

/// Renders a run's results in the Prometheus text exposition format, for
/// node_exporter's textfile collector.
///
/// Labels carry only client and issuer names (manifest names the operator
/// chose), never a token, secret or client id that might be sensitive.
package enum PrometheusMetrics {
    /// The text for one run.
    package static func render(results: [ClientResult], runDuration: Double, finishedAt: Date) -> String {
        var out = ""
        out.reserveCapacity(256 + results.count * 400)
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        let sorted = results.sorted { $0.name < $1.name }

        family("tokensmith_client_last_success_timestamp_seconds", "gauge", "Unix time of the client's last successful grant.")
        for result in sorted {
            if let success = result.lastSuccess {
                out += "tokensmith_client_last_success_timestamp_seconds\(labels(result)) \(number(success.timeIntervalSince1970))\n"
            }
        }
        family("tokensmith_client_token_expiry_timestamp_seconds", "gauge", "Unix time at which the client's current token expires.")
        for result in sorted {
            if let expiry = result.expiresAt {
                out += "tokensmith_client_token_expiry_timestamp_seconds\(labels(result)) \(number(expiry.timeIntervalSince1970))\n"
            }
        }
        family("tokensmith_client_grant_duration_seconds", "gauge", "Wall time of the client's grant in this run, retries included.")
        for result in sorted where result.status == .granted || result.status == .failed {
            out += "tokensmith_client_grant_duration_seconds\(labels(result)) \(number(result.duration))\n"
        }
        family("tokensmith_client_grant_attempts", "gauge", "Token requests sent for the client in this run.")
        for result in sorted where result.attempts > 0 {
            out += "tokensmith_client_grant_attempts\(labels(result)) \(result.attempts)\n"
        }
        family(
            "tokensmith_client_failed", "gauge", "1 when the client's grant failed or was cut short (deadline, signal) in this run, else 0."
        )
        for result in sorted {
            let failed = result.status == .failed || result.status == .cancelled
            out += "tokensmith_client_failed\(labels(result)) \(failed ? 1 : 0)\n"
        }
        family("tokensmith_run_clients", "gauge", "Clients in the last run by outcome.")
        for status in [ClientResult.Status.granted, .skipped, .failed, .cancelled, .planned] {
            let count = results.reduce(0) { $0 + ($1.status == status ? 1 : 0) }
            out += "tokensmith_run_clients{status=\"\(status.rawValue)\"} \(count)\n"
        }
        family("tokensmith_run_duration_seconds", "gauge", "Wall time of the last run.")
        out += "tokensmith_run_duration_seconds \(number(runDuration))\n"
        family("tokensmith_run_finished_timestamp_seconds", "gauge", "Unix time at which the last run finished.")
        out += "tokensmith_run_finished_timestamp_seconds \(number(finishedAt.timeIntervalSince1970))\n"
        return out
    }

    private static func labels(_ result: ClientResult) -> String {
        "{client=\"\(escape(result.name))\",issuer=\"\(escape(result.issuer))\"}"
    }

    /// Label values escape `\`, `"` and newlines, per the exposition format.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format3(value))
    }

    private static func format3(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
