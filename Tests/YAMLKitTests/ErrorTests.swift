import Testing
import YAMLKit

@Suite("Compiler-style errors")
struct ErrorTests {
    let parser = YAMLParser()

    private func failure(_ bytes: [UInt8], file: String = "manifest.yaml") -> YAMLError? {
        do {
            _ = try parser.parse(bytes: bytes, file: file)
            return nil
        } catch {
            return error
        }
    }

    private func failure(_ text: String) -> YAMLError? { failure(Array(text.utf8)) }

    @Test("a tab used for indentation is named, with line, column and caret")
    func tabIndentation() throws {
        let error = try #require(failure("clients:\n\t- name: a\n"))
        #expect(error.summary == "manifest.yaml:2:1: error: a tab character cannot be used for indentation; indent with spaces")
        #expect(error.description.hasSuffix("\t- name: a\n^"))
    }

    @Test("an unterminated quote points at the opening quote")
    func unterminatedQuote() throws {
        let error = try #require(failure("a: 1\nb: \"open\nc: 2\n"))
        #expect(error.summary == "manifest.yaml:2:4: error: unterminated quoted string; add the closing quote")
        #expect(
            error.description == """
                manifest.yaml:2:4: error: unterminated quoted string; add the closing quote
                b: "open
                   ^
                """)
    }

    @Test("invalid UTF-8 is reported at the offending byte")
    func invalidUTF8() throws {
        let bytes = Array("ok: 1\nbad: ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        let error = try #require(failure(bytes))
        #expect(error.mark == Mark(line: 2, column: 6))
        #expect(error.message.hasPrefix("the input is not valid UTF-8"))
    }

    @Test("a NUL byte is refused as binary input")
    func nulByte() throws {
        let bytes = Array("a: 1\nb: x".utf8) + [0] + Array("y\n".utf8)
        let error = try #require(failure(bytes))
        #expect(error.summary == "manifest.yaml:2:5: error: the input contains a NUL byte; YAML must be text (is this a binary file?)")
    }

    @Test("libyaml parser errors map to the same form")
    func parserError() throws {
        let error = try #require(failure("a:\n  - x\n  y: z\n"))
        #expect(error.mark.line == 3)
        #expect(error.summary.hasPrefix("manifest.yaml:3:"))
        #expect(error.summary.contains(": error: "))
        let mapping = try #require(failure("key: [a, b\nother: 1\n"))
        #expect(mapping.summary.hasPrefix("manifest.yaml:"))
        #expect(!mapping.notes.isEmpty || mapping.message.contains("flow sequence"))
    }

    @Test("CRLF input reports the right line for an error")
    func crlfError() throws {
        let error = try #require(failure("a: 1\r\nb: 2\r\nb: 3\r\n"))
        #expect(error.summary == "manifest.yaml:3:1: error: duplicate key `b` in this mapping; remove one of the two")
        #expect(error.sourceLine == "b: 3")
    }
}

@Suite("Limits")
struct LimitTests {
    @Test("a billion-laughs document fails fast on alias expansion")
    func billionLaughs() throws {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let parser = YAMLParser()
        #expect {
            try parser.parse(text, file: "lol.yaml")
        } throws: { error in
            let error = error as? YAMLError
            return error?.message.contains("billion laughs") == true && (error?.mark.line ?? 0) <= 6
        }
    }

    @Test("nesting deeper than the limit is refused at the level that crosses it")
    func depth() throws {
        let parser = YAMLParser(limits: ParserLimits(maxDepth: 10))
        let deep = String(repeating: "[", count: 11) + String(repeating: "]", count: 11)
        #expect {
            try parser.parse(deep)
        } throws: { error in
            (error as? YAMLError)?.summary == "<input>:1:11: error: nesting is deeper than 10 levels"
        }
        let fine = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(try parser.parse(fine).count == 1)
    }

    @Test("input over the size limit is refused before parsing")
    func size() throws {
        let parser = YAMLParser(limits: ParserLimits(maxInputBytes: 1024))
        let big = String(repeating: "k: v\n", count: 300)
        #expect {
            try parser.parse(big, file: "big.yaml")
        } throws: { error in
            (error as? YAMLError)?.message.contains("over the limit of 1024 bytes") == true
        }
    }
}
