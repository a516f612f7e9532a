#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
package import struct Foundation.Date

/// Formats instants as RFC 3339 UTC (`2026-11-26T18:00:00Z`) by hand.
///
/// `gmtime_r` plus fixed-width digits costs well under a microsecond; a
/// `DateFormatter` or `ISO8601DateFormatter` per token would dominate a run
/// of 10,000 clients. Fractions of a second are dropped (rounded down).
package enum RFC3339 {
    /// The UTC timestamp of `date`, to the second.
    package static func string(from date: Date) -> String {
        String(decoding: bytes(from: date), as: UTF8.self)
    }

    /// The same as ``string(from:)``, as UTF-8 bytes.
    static func bytes(from date: Date) -> [UInt8] {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        var time = time_t(max(min(seconds, 253_402_300_799), -62_135_596_800))
        var parts = tm()
        gmtime_r(&time, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        appendDigits(&out, Int(parts.tm_year) + 1900, width: 4)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, Int(parts.tm_mon) + 1, width: 2)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, Int(parts.tm_mday), width: 2)
        out.append(UInt8(ascii: "T"))
        appendDigits(&out, Int(parts.tm_hour), width: 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, Int(parts.tm_min), width: 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, Int(parts.tm_sec), width: 2)
        out.append(UInt8(ascii: "Z"))
        return out
    }

    private static func appendDigits(_ out: inout [UInt8], _ value: Int, width: Int) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        out.append(contentsOf: digits)
    }
}
