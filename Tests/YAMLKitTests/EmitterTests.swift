import Testing
import YAMLKit

@Suite("Emitting YAML")
struct EmitterTests {
    let emitter = YAMLEmitter()
    let parser = YAMLParser()

    @Test(
        "strings that would read back as another type are quoted",
        arguments: [
            "true", "false", "no", "yes", "on", "off", "Y", "null", "~", "", "0123", "1e3", "12", "-3.5",
            "0x1F", "1_000", "12:30", ".inf", "2026-11-26", "2026-11-26T18:00:00Z", "2001-12-14 21:59:43.10 -5", " leading", "trailing ",
            "a: b", "# comment", "- item", "<<",
        ])
    func quoting(value: String) throws {
        let text = try emitter.emit(.mapping(["key": .string(value)]))
        #expect(text != "key: \(value)\n", "emitted unquoted: \(text)")
        let back = try #require(try parser.parseSingle(text)?.mapping?["key"]?.scalar)
        #expect(back.value == value)
        #expect(back.resolved == .string)
    }

    @Test("ordinary strings stay plain")
    func plainStrings() throws {
        let text = try emitter.emit(
            .mapping([
                "apiVersion": .string("v1"),
                "token": .string("eyJhbGciOiJFUzI1NiJ9.e30.c2ln"),
                "url": .string("https://example.com/a?b=c"),
            ]))
        #expect(text == "apiVersion: v1\ntoken: eyJhbGciOiJFUzI1NiJ9.e30.c2ln\nurl: https://example.com/a?b=c\n")
    }

    @Test("block style, nested, and several documents separated by ---")
    func documents() throws {
        let secret: Node = .mapping([
            "metadata": .mapping(["name": .string("a"), "labels": .mapping(["x": .string("1")])]),
            "items": .sequence([.string("one"), .string("two")]),
            "empty": .sequence([]),
        ])
        let text = try emitter.emit(documents: [secret, secret])
        #expect(
            text == """
                ---
                metadata:
                  name: a
                  labels:
                    x: "1"
                items:
                - one
                - two
                empty: []
                ---
                metadata:
                  name: a
                  labels:
                    x: "1"
                items:
                - one
                - two
                empty: []

                """)
        #expect(try parser.parse(text) == [secret, secret])
    }

    @Test("a document that is one empty scalar keeps its `---` (found by fuzzing)")
    func emptyDocument() throws {
        let documents = try parser.parse("---\n")
        #expect(documents.count == 1)
        let text = try emitter.emit(documents: documents)
        #expect(text.hasPrefix("---"))
        #expect(try parser.parse(text) == documents)
    }

    @Test("a null key stays null through the emitter, and two spellings of null are one key (found by fuzzing)")
    func nullKeys() throws {
        let documents = try parser.parse("? \n: x\n")
        let text = try emitter.emit(documents: documents)
        #expect(text == "~: x\n")
        #expect(try parser.parse(text) == documents)
        #expect(throws: YAMLError.self) { try parser.parse("~: 1\n? \n: 2\n") }
        #expect(throws: YAMLError.self) { try parser.parse("null: 1\n~: 2\n") }
    }

    @Test("plain-style scalars keep their type")
    func typed() throws {
        let node: Node = .mapping(["port": .scalar(Node.Scalar("8080", style: .plain)), "on": .scalar(Node.Scalar("true", style: .plain))])
        let text = try emitter.emit(node)
        #expect(text == "port: 8080\n\"on\": true\n")
        #expect(try parser.parseSingle(text) == node)
    }

    @Test("multi-line and non-ASCII strings survive")
    func multiline() throws {
        let node: Node = .mapping(["note": .string("line one\nline two\n"), "name": .string("Ünnep ✓"), "tab": .string("a\tb")])
        #expect(try parser.parseSingle(try emitter.emit(node)) == node)
    }
}
