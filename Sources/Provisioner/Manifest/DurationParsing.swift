/// Parses and prints the manifest's durations: `250ms`, `10s`, `5m`, `1h`, and
/// combinations such as `1m30s`.
package enum DurationText {
    /// The duration written in `text`, or nil when it is not one.
    ///
    /// Each part is digits followed by `ms`, `s`, `m` or `h`; a bare number is
    /// refused so `timeout: 10` is not silently read as seconds or milliseconds.
    package static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var index = 0
        var totalMilliseconds: Int64 = 0
        while index < bytes.count {
            var number: Int64 = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                let (product, overflow) = number.multipliedReportingOverflow(by: 10)
                guard !overflow, digits < 12 else { return nil }
                number = product + Int64(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            guard digits > 0, index < bytes.count else { return nil }
            let factor: Int64
            switch bytes[index] {
            case UInt8(ascii: "m"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "s") {
                    factor = 1
                    index += 2
                } else {
                    factor = 60_000
                    index += 1
                }
            case UInt8(ascii: "s"): factor = 1000; index += 1
            case UInt8(ascii: "h"): factor = 3_600_000; index += 1
            default: return nil
            }
            // Twelve digits of hours fit an Int64 of milliseconds; a sum of several may not.
            let (total, overflow) = totalMilliseconds.addingReportingOverflow(number * factor)
            guard !overflow else { return nil }
            totalMilliseconds = total
        }
        return .milliseconds(totalMilliseconds)
    }

    /// A compact rendering that `parse` reads back: `1m30s`, `250ms`, `0s`.
    package static func format(_ duration: Duration) -> String {
        var milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        var text = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where milliseconds >= size {
            text += "\(milliseconds / size)\(unit)"
            milliseconds %= size
        }
        return text
    }
}
