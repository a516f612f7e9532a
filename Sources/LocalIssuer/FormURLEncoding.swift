/// `application/x-www-form-urlencoded` decoding (HTML form encoding, RFC 6749 Appendix B).
///
/// The token endpoint body and the id and secret inside a Basic header use this
/// encoding: `+` is a space and `%XX` is a byte. Bad escapes are errors rather than
/// being passed through, so a client that encodes wrongly is caught.
enum FormURLEncoding {
    /// Decodes one form-encoded component; nil when a `%` escape is malformed or the bytes are not UTF-8.
    static func decodeComponent<Bytes: Collection>(_ bytes: Bytes) -> String? where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first != bytes.endIndex else { return nil }
                let second = bytes.index(after: first)
                guard second != bytes.endIndex,
                    let high = hexValue(bytes[first]), let low = hexValue(bytes[second])
                else { return nil }
                out.append(high << 4 | low)
                index = second
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(validating: out, as: UTF8.self)
    }

    /// Splits a form body into ordered name/value pairs; nil when any pair is malformed.
    static func parse<Bytes: Collection>(_ body: Bytes) -> [(name: String, value: String)]? where Bytes.Element == UInt8 {
        var pairs: [(name: String, value: String)] = []
        for part in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: String
            let value: String
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                guard let decodedName = decodeComponent(part[part.startIndex..<equals]),
                    let decodedValue = decodeComponent(part[part.index(after: equals)...])
                else { return nil }
                name = decodedName
                value = decodedValue
            } else {
                guard let decodedName = decodeComponent(part) else { return nil }
                name = decodedName
                value = ""
            }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
