import Foundation

/// `Retry-After` HTTP-dates (RFC 9110 §5.6.7), parsed by hand.
///
/// Accepts the preferred IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and
/// the two obsolete forms recipients should still read: RFC 850
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
/// Foundation's `DateFormatter` is not used: it is slow to build, and the
/// Linux implementation leaks a character set on every parse (found by fuzzing).
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT" {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            guard let day = Int(fields[1]), fields[1].count == 2, let month = month(fields[2]),
                let year = Int(fields[3]), fields[3].count == 4
            else { return nil }
            return date(year: year, month: month, day: day, time: fields[4])
        }
        if fields.count == 4, fields[0].hasSuffix(","), fields[3] == "GMT" {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years read as 19xx/20xx, RFC 9110 §5.6.7)
            let parts = fields[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let day = Int(parts[0]), parts[0].count == 2, let month = month(parts[1]),
                let short = Int(parts[2]), parts[2].count == 2
            else { return nil }
            let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
            var year = 2000 + short
            if year > thisYear + 50 { year -= 100 }
            return date(year: year, month: month, day: day, time: fields[2])
        }
        if fields.count == 5 {
            // asctime: Sun Nov  6 08:49:37 1994
            guard let month = month(fields[1]), let day = Int(fields[2]), fields[2].count <= 2,
                let year = Int(fields[4]), fields[4].count == 4
            else { return nil }
            return date(year: year, month: month, day: day, time: fields[3])
        }
        return nil
    }

    private static func month(_ text: String) -> Int? {
        months.firstIndex(of: text.lowercased()).map { $0 + 1 }
    }

    /// `hh:mm:ss` on a proleptic Gregorian day, UTC.
    private static func date(year: Int, month: Int, day: Int, time: String) -> Date? {
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), let second = Int(parts[2]),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            (1...31).contains(day), day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
