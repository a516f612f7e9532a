/// A request rate cap against one issuer, written `20/s`, `100/m` or `1000/h`.
package struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// How many requests may start per ``interval``.
    package var requests: Int
    /// The interval the count applies to: one second, minute or hour.
    package var interval: Duration

    /// Creates a rate limit.
    package init(requests: Int, interval: Duration) {
        self.requests = requests
        self.interval = interval
    }

    /// The grammar ``init(parsing:)`` takes, as the manifest schema states it.
    package static let pattern = "^[1-9][0-9]{0,8}/[smh]$"

    /// Parses `N/s`, `N/m` or `N/h` with N from 1 to 999999999 written
    /// without leading zeros (``pattern``); nil for anything else.
    package init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = parts[0].utf8.first, first != UInt8(ascii: "0"),
            parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), parts[0].count <= 9, let count = Int(parts[0])
        else { return nil }
        switch parts[1] {
        case "s": interval = .seconds(1)
        case "m": interval = .seconds(60)
        case "h": interval = .seconds(3600)
        default: return nil
        }
        requests = count
    }

    /// The average gap between requests that keeps under the cap.
    package var minimumSpacing: Duration { interval / requests }

    /// `20/s`.
    package var description: String {
        let unit =
            interval == .seconds(1)
            ? "s" : interval == .seconds(60) ? "m" : interval == .seconds(3600) ? "h" : DurationText.format(interval)
        return "\(requests)/\(unit)"
    }
}
