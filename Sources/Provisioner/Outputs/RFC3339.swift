package import struct Foundation.Date

/// Formats instants as RFC 3339 UTC (`2026-11-26T18:00:00Z`) by hand.
///
/// The calendar date comes from the day count by arithmetic (the proleptic
/// Gregorian calendar, as `gmtime_r` has it): glibc's `gmtime_r` takes a
/// lock and checks the time zone on every call, a visible share of writing
/// 10,000 env files, and a `DateFormatter` per token would dominate the run.
/// Fractions of a second are dropped (rounded down); instants are clamped to
/// the years 1 to 9999.
package enum RFC3339 {
    /// The UTC timestamp of `date`, to the second.
    package static func string(from date: Date) -> String {
        String(decoding: bytes(from: date), as: UTF8.self)
    }

    /// The same as ``string(from:)``, as UTF-8 bytes.
    static func bytes(from date: Date) -> [UInt8] {
        let seconds = Int(max(min(date.timeIntervalSince1970.rounded(.down), 253_402_300_799), -62_135_596_800))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        // Days since 1970-01-01 to a civil date, counting in 400-year eras
        // that start on March 1st (so the leap day ends a year).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        appendDigits(&out, year, width: 4)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, month, width: 2)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, day, width: 2)
        out.append(UInt8(ascii: "T"))
        appendDigits(&out, time / 3_600, width: 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, time / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, time % 60, width: 2)
        out.append(UInt8(ascii: "Z"))
        return out
    }

    /// `value` (0 ... 9999) in `width` digits, zero-padded.
    private static func appendDigits(_ out: inout [UInt8], _ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
