import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `NO_PROXY` as curl and Go read it: comma-separated entries, each
/// - `*`: every host;
/// - a host name, matching that host and its subdomains (`example.com` and
///   `.example.com` both match `example.com` and `api.example.com`; a leading
///   `*.` is read as `.`);
/// - an IP address (IPv6 with or without brackets), matching that address;
/// - a CIDR range (`10.0.0.0/8`, `fd00::/8`), matching addresses in it;
/// each optionally with `:port`, then matching only requests to that port.
///
/// Case and surrounding spaces are ignored; host names are not resolved, so an
/// IP entry never matches a request by name. Loopback is not excluded
/// implicitly (curl's rule, not Go's): add `localhost,127.0.0.1,::1` to go direct.
public struct NoProxyList: Sendable, Hashable {
    enum Pattern: Sendable, Hashable {
        case all
        case domain(String)
        case address([UInt8])
        case network([UInt8], prefixLength: Int)
    }

    struct Entry: Sendable, Hashable {
        let pattern: Pattern
        let port: Int?
    }

    let entries: [Entry]

    /// Reads a `NO_PROXY` value; entries that are not understood are skipped.
    public init(_ text: String) {
        entries = text.split(separator: ",").compactMap { Self.entry(String($0)) }
    }

    /// Whether a request to `host` on `port` goes direct.
    public func excludes(host rawHost: String, port: Int) -> Bool {
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        let address = Self.address(host)
        return entries.contains { entry in
            if let wanted = entry.port, wanted != port { return false }
            switch entry.pattern {
            case .all: return true
            case .domain(let domain): return address == nil && (host == domain || host.hasSuffix("." + domain))
            case .address(let bytes): return address == bytes
            case .network(let bytes, let prefixLength):
                guard let address, address.count == bytes.count else { return false }
                return Self.prefix(of: address, matches: bytes, length: prefixLength)
            }
        }
    }

    private static func entry(_ raw: String) -> Entry? {
        var text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard !text.isEmpty else { return nil }
        if text == "*" { return Entry(pattern: .all, port: nil) }
        if let slash = text.firstIndex(of: "/") {
            guard let bytes = address(String(text[..<slash])), let length = Int(text[text.index(after: slash)...]),
                (0...(bytes.count * 8)).contains(length)
            else { return nil }
            return Entry(pattern: .network(bytes, prefixLength: length), port: nil)
        }
        if let bytes = address(text) { return Entry(pattern: .address(bytes), port: nil) }
        var port: Int?
        if text.hasPrefix("[") {
            // [v6] or [v6]:port
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let value = Int(rest.dropFirst()) else { return nil }
                port = value
            } else if !rest.isEmpty {
                return nil
            }
            guard let bytes = address(String(text[text.index(after: text.startIndex)..<close])) else { return nil }
            return Entry(pattern: .address(bytes), port: port)
        }
        if let colon = text.lastIndex(of: ":") {
            guard let value = Int(text[text.index(after: colon)...]) else { return nil }
            port = value
            text = String(text[..<colon])
        }
        if let bytes = address(text) { return Entry(pattern: .address(bytes), port: port) }
        if text.hasPrefix("*.") { text.removeFirst() }
        while text.hasPrefix(".") { text.removeFirst() }
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty else { return nil }
        return Entry(pattern: .domain(text), port: port)
    }

    /// The bytes of an IPv4 (4) or IPv6 (16) address; IPv4-mapped IPv6 addresses become IPv4.
    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
            return bytes
        }
        return nil
    }

    private static func prefix(of address: [UInt8], matches network: [UInt8], length: Int) -> Bool {
        var remaining = length
        for (a, b) in zip(address, network) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }
}
