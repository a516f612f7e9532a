/// Splits a fuzz input into fields at `0xFF` bytes, which never occur in UTF-8,
/// so every field can hold any text and seeds stay easy to write by hand.
struct FuzzFields {
    private var fields: [ArraySlice<UInt8>]
    private var next = 0

    init(_ input: [UInt8]) {
        fields = input.split(separator: 0xFF, omittingEmptySubsequences: false)
    }

    /// The next field as bytes; empty once the input runs out.
    mutating func bytes() -> [UInt8] {
        defer { next += 1 }
        return next < fields.count ? Array(fields[next]) : []
    }

    /// The next field as text (invalid UTF-8 replaced, as a reader of the bytes would see it).
    mutating func text() -> String {
        String(decoding: bytes(), as: UTF8.self)
    }

    /// The next field's first byte, or 0.
    mutating func byte() -> UInt8 {
        bytes().first ?? 0
    }

    /// The next field's first four bytes as a little-endian number.
    mutating func int32() -> Int32 {
        var value: UInt32 = 0
        for (index, byte) in bytes().prefix(4).enumerated() {
            value |= UInt32(byte) << (8 * UInt32(index))
        }
        return Int32(bitPattern: value)
    }
}
