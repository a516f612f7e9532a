extension JSONText {
    /// `value` as a JSON string literal, for diagnostics, the schema and reports.
    static func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        appendString(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// JSON string literals for other modules (the command line's JSON log lines),
/// with the same escaping as every JSON file tokensmith writes.
package enum JSONLiteral {
    /// `value` quoted and escaped as a JSON string.
    package static func string(_ value: String) -> String {
        JSONText.quoted(value)
    }
}
