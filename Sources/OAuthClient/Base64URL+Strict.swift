/// Strict base64 decoding for a server: any character outside the alphabet,
/// misplaced padding or non-zero leftover bits fail, so a mangled credential is
/// never silently accepted (``Base64URL/decode(_:)`` is the lenient reader for
/// what servers send to the client).
extension Base64URL {
    private static let urlTable: [Int16] = makeTable(alphabet)
    private static let standardTable: [Int16] = makeTable(standardAlphabet)

    private static func makeTable(_ alphabet: [UInt8]) -> [Int16] {
        var table = [Int16](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() {
            table[Int(byte)] = Int16(index)
        }
        return table
    }

    /// Decodes base64url without padding; returns nil on any invalid input.
    package static func strictDecode(_ text: some Collection<UInt8>) -> [UInt8]? {
        strictDecode(text, table: urlTable, paddingAllowed: false)
    }

    /// Decodes standard base64 (padding required when the length is not a multiple of 4 is tolerated);
    /// nil on any invalid input.
    package static func strictDecodeStandard(_ text: some Collection<UInt8>) -> [UInt8]? {
        strictDecode(text, table: standardTable, paddingAllowed: true)
    }

    private static func strictDecode(_ text: some Collection<UInt8>, table: [Int16], paddingAllowed: Bool) -> [UInt8]? {
        var input = Array(text)
        if paddingAllowed {
            var padding = 0
            while let last = input.last, last == UInt8(ascii: "=") {
                input.removeLast()
                padding += 1
            }
            if padding > 2 || (padding > 0 && (input.count + padding) % 4 != 0) { return nil }
        }
        if input.count % 4 == 1 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value = table[Int(byte)]
            if value < 0 { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero (canonical encoding).
        if bits > 0, accumulator & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }
}
