import Foundation
import Provisioner

typealias EnvOptionsFlavor = EnvOptions.Flavor

/// Reads env files the way each flavour's real reader does, written from
/// their documented rules rather than from the writer, so the fuzzer can
/// compare the two.
enum EnvFileReader {
    /// `KEY=value` pairs in file order, or nil when the file is malformed for the reader.
    static func read(_ bytes: [UInt8], flavor: EnvOptionsFlavor) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        var index = 0
        while index < bytes.count {
            guard let equals = bytes[index...].firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = String(decoding: bytes[index..<equals], as: UTF8.self)
            guard !key.contains("\n") else { return nil }
            index = equals + 1
            let value: [UInt8]
            switch flavor {
            case .docker: value = readDocker(bytes, &index)
            case .shell: guard let read = readShell(bytes, &index) else { return nil }; value = read
            case .dotenv: guard let read = readDotenv(bytes, &index) else { return nil }; value = read
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\n") else { return nil }
            index += 1
            pairs.append((key, String(decoding: value, as: UTF8.self)))
        }
        return pairs
    }

    /// docker `--env-file`: everything after `=` up to the line end, quotes included.
    private static func readDocker(_ bytes: [UInt8], _ index: inout Int) -> [UInt8] {
        let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        defer { index = end }
        return Array(bytes[index..<end])
    }

    /// bash assignment words: `'…'` literal, `\x` outside quotes is `x`, an unquoted newline ends it.
    /// An unquoted character bash would expand (`$`, backquote, `~`, globs, spaces) makes it nil.
    private static func readShell(_ bytes: [UInt8], _ index: inout Int) -> [UInt8]? {
        var out: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"):
                guard let close = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "'")) else { return nil }
                out.append(contentsOf: bytes[(index + 1)..<close])
                index = close + 1
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\n") else { return nil }
                out.append(bytes[index + 1])
                index += 2
            default:
                guard isBareSafe(byte), byte != UInt8(ascii: "~") else { return nil }
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// python-dotenv 1.x: a bare value, or `'…'` matched by `'((?:\\'|[^'])*)'`
    /// (greedy, `\'` tried first) with `\\` and `\'` then decoded.
    private static func readDotenv(_ bytes: [UInt8], _ index: inout Int) -> [UInt8]? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "'") else {
            let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { index = end }
            let value = Array(bytes[index..<end])
            return value.allSatisfy(isBareSafe) ? value : nil
        }
        var cursor = index + 1
        var raw: [UInt8] = []
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "\\"), cursor + 1 < bytes.count, bytes[cursor + 1] == UInt8(ascii: "'") {
                raw.append(contentsOf: bytes[cursor...(cursor + 1)])
                cursor += 2
            } else if bytes[cursor] == UInt8(ascii: "'") {
                break
            } else {
                raw.append(bytes[cursor])
                cursor += 1
            }
        }
        guard cursor < bytes.count else { return nil }
        index = cursor + 1
        var decoded: [UInt8] = []
        var position = 0
        while position < raw.count {
            if raw[position] == UInt8(ascii: "\\"), position + 1 < raw.count,
                raw[position + 1] == UInt8(ascii: "\\") || raw[position + 1] == UInt8(ascii: "'")
            {
                decoded.append(raw[position + 1])
                position += 2
            } else {
                decoded.append(raw[position])
                position += 1
            }
        }
        return decoded
    }

    /// `[A-Za-z0-9._~+/=:-]`: read the same by every reader without quotes.
    static func isBareSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("._~+/=:-".utf8).contains(byte)
        }
    }

    private static let interpolation = try! NSRegularExpression(pattern: #"\$\{[^}:]*(?::-[^}]*)?\}"#)

    /// What python-dotenv cannot give back unchanged: a CR (text mode makes it LF),
    /// `${…}` (expanded even in single quotes), a final backslash (breaks the quote pattern).
    static func dotenvCannotCarry(_ value: String) -> Bool {
        if value.utf8.contains(UInt8(ascii: "\r")) || value.utf8.last == UInt8(ascii: "\\") { return true }
        let range = NSRange(value.startIndex..., in: value)
        return interpolation.firstMatch(in: value, range: range) != nil
    }
}
