import Foundation
import OAuthClient
import Provisioner
import YAMLKit

/// Templated outputs under fuzzed values: `{{access_token}}` writes the value
/// unchanged, each filter's output reads back as exactly the value with its
/// format's reader (JSON: OAuthClient's parser; YAML: YAMLKit over libyaml; base64 and
/// percent-encoding: Foundation; shell: POSIX single-quote rules), and a file
/// holding a NUL byte is refused rather than written.
enum OutputTemplateEscaping {
    static func check(_ token: IssuedToken) throws(FuzzFinding) {
        let value = token.accessToken
        guard let raw = try render("{{access_token}}", token) else { return }
        guard raw == value else { throw FuzzFinding("{{access_token}} is not written unchanged") }
        if let json = try render("{{json(access_token)}}", token), jsonMember(json) != .string(value) {
            throw FuzzFinding("json(access_token) does not read back: \(json)")
        }
        if let yaml = try render("{{yaml(access_token)}}", token),
            (try? YAMLParser().parse("v: " + yaml + "\n").first?.mapping?.pairs.first?.value.scalar?.value) != value
        {
            throw FuzzFinding("yaml(access_token) does not read back: \(yaml)")
        }
        if let shell = try render("{{shell(access_token)}}", token), ShellWord.read(shell) != value {
            throw FuzzFinding("shell(access_token) does not read back: \(shell)")
        }
        if let base64 = try render("{{base64(access_token)}}", token),
            Data(base64Encoded: base64).map({ String(decoding: $0, as: UTF8.self) }) != value
        {
            throw FuzzFinding("base64(access_token) does not read back")
        }
        if let url = try render("{{urlencode(access_token)}}", token),
            !url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) || percentDecoded(url) != value
        {
            throw FuzzFinding("urlencode(access_token) does not read back: \(url)")
        }
        if let scope = try render("{{json(scope)}}", token) {
            guard jsonMember(scope) == token.scope.map(JSONValue.string) ?? .null else {
                throw FuzzFinding("json(scope) does not read back: \(scope)")
            }
        }
    }

    /// `text` read as the value of a JSON member by OAuthClient's parser
    /// (Foundation's JSONSerialization on Linux drops a trailing U+FEFF from
    /// strings, so it cannot judge; Python's json module agrees with this one).
    private static func jsonMember(_ text: String) -> JSONValue? {
        guard case .object(let object)? = try? JSONValue(parsing: "{\"v\":" + text + "}") else { return nil }
        return object["v"]
    }

    /// RFC 3986 percent-decoding to UTF-8 text, as Python's `unquote` and Go's
    /// `url.QueryUnescape` do (Foundation's `removingPercentEncoding` drops a
    /// leading U+FEFF, so it cannot judge).
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        while let byte = rest.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = rest.popFirst().flatMap(hex), let low = rest.popFirst().flatMap(hex) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The text `source` renders for `token`, or nil when the output was
    /// refused for a NUL byte (which only a value holding one may cause).
    private static func render(_ source: String, _ token: IssuedToken) throws(FuzzFinding) -> String? {
        guard case .success(let template) = OutputTemplate.parse(source, origin: .file("fuzz.mustache"), scope: .perClient) else {
            throw FuzzFinding("the fuzz template `\(source)` does not parse")
        }
        do {
            let bytes = try OutputRenderer.render(OutputSpec(format: .template(template), path: "fuzz.conf"), token: token)
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            guard error.code == .unrepresentableValue, [token.accessToken, token.scope ?? ""].contains(where: { $0.utf8.contains(0) })
            else {
                throw FuzzFinding("`\(source)` was refused without a NUL in its value: \(error.code)")
            }
            return nil
        }
    }
}

/// Reads one POSIX shell word made of single-quoted parts and `\'`, as `sh`
/// does: byte by byte, so a combining mark after a quote (one `Character`
/// with it) does not hide the quote.
enum ShellWord {
    static func read(_ word: String) -> String? {
        let quote = UInt8(ascii: "'")
        let backslash = UInt8(ascii: "\\")
        var out: [UInt8] = []
        var rest = Array(word.utf8)[...]
        while let first = rest.first {
            if first == quote {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: quote) else { return nil }
                out += rest[..<close]
                rest = rest[(close + 1)...]
            } else if first == backslash, rest.dropFirst().first == quote {
                out.append(quote)
                rest = rest.dropFirst(2)
            } else {
                return nil
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
