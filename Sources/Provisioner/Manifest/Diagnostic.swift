package import struct Foundation.Date

/// One problem found in a manifest, with where it is and how bad it is.
///
/// Printed like a compiler diagnostic (`file:line:column: error: message`,
/// then the source line and a caret) so editors and CI logs link to it.
/// Messages never contain a secret, key or token.
package struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad a diagnostic is.
    package enum Severity: String, Sendable, Hashable, Comparable {
        /// Works, but is probably a mistake or unsafe; `validate --strict` exits 2.
        case warning
        /// The manifest cannot be used; `validate` exits 2.
        case error

        /// Warnings sort before errors only as a tie-breaker at the same place.
        package static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    /// Error or warning.
    package var severity: Severity
    /// What is wrong, as a sentence without the location.
    package var message: String
    /// Where it is.
    package var location: SourceLocation
    /// The key path in the manifest, such as `clients[2].auth.method`.
    package var keyPath: String
    /// Further lines such as `a.yaml:3:9: note: first defined here`.
    package var notes: [String]
    /// The source line at the location, filled in by the loader for the caret display.
    package var sourceLine: String?

    /// Creates a diagnostic.
    package init(
        _ severity: Severity, _ message: String, at location: SourceLocation, keyPath: String,
        notes: [String] = [], sourceLine: String? = nil
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.keyPath = keyPath
        self.notes = notes
        self.sourceLine = sourceLine
    }

    /// The manifest path.
    package var file: String { location.file }
    /// The 1-based line.
    package var line: Int { location.line }
    /// The 1-based column.
    package var column: Int { location.column }

    /// The first line alone: `file:line:column: error: message`.
    package var summary: String { "\(location): \(severity.rawValue): \(message)" }

    /// The full rendering: summary, source line with a caret, notes.
    package var description: String {
        var lines = [summary]
        if let sourceLine {
            lines.append(sourceLine)
            var prefix = ""
            for (index, character) in sourceLine.unicodeScalars.enumerated() where index < column - 1 {
                prefix.append(character == "\t" ? "\t" : " ")
            }
            lines.append(prefix + "^")
        }
        lines.append(contentsOf: notes)
        return lines.joined(separator: "\n")
    }

    /// One JSON object on one line, for `--log-format json`, stamped now.
    package var jsonLine: String { jsonLine(at: Date()) }

    /// One JSON object on one line with the log lines' schema: `time`, `level`
    /// (`error` or `warning`) and `message` first, then `file`, `line`,
    /// `column`, `key_path` and `notes`.
    package func jsonLine(at time: Date) -> String {
        var fields = [
            ("time", RFC3339.string(from: time)), ("level", severity.rawValue), ("message", message),
            ("file", file), ("line", String(line)), ("column", String(column)), ("key_path", keyPath),
        ].map { key, value in
            key == "line" || key == "column" ? "\"\(key)\":\(value)" : "\"\(key)\":\(JSONText.quoted(value))"
        }
        if !notes.isEmpty {
            fields.append("\"notes\":[" + notes.map(JSONText.quoted).joined(separator: ",") + "]")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
