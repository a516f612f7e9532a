import Testing
import YAMLKit

@Suite("Parsing nodes and marks")
struct ParserNodeTests {
    let parser = YAMLParser()

    @Test("every node kind carries its 1-based line:column")
    func nodeKindsWithMarks() throws {
        let text = """
            name: billing
            scope:
              - invoices:read
              - 'quoted'
            nested:
              timeout: "10s"
              count: 4
            """
        let root = try #require(try parser.parseSingle(text, file: "m.yaml")?.mapping)
        #expect(root.mark == Mark(line: 1, column: 1))
        #expect(root.keys == ["name", "scope", "nested"])
        let name = try #require(root["name"]?.scalar)
        #expect(name.value == "billing")
        #expect(name.style == .plain)
        #expect(name.mark == Mark(line: 1, column: 7))
        let scope = try #require(root["scope"]?.sequence)
        #expect(scope.mark == Mark(line: 3, column: 3))
        #expect(scope.items.map { $0.scalar?.value } == ["invoices:read", "quoted"])
        #expect(scope.items[1].scalar?.style == .singleQuoted)
        #expect(scope.items[1].mark == Mark(line: 4, column: 5))
        let nested = try #require(root["nested"]?.mapping)
        #expect(nested.mark == Mark(line: 6, column: 3))
        #expect(nested["timeout"]?.scalar?.style == .doubleQuoted)
        #expect(nested["timeout"]?.scalar?.resolved == .string)
        #expect(nested["count"]?.scalar?.resolved == .int)
        #expect(nested.pair(forKey: "count")?.key.mark == Mark(line: 7, column: 3))
    }

    @Test("tags, block scalars and plain-scalar resolution")
    func tagsAndStyles() throws {
        let text = """
            a: !!str 123
            b: |
              line one
              line two
            c: >
              folded
              text
            d: ~
            e: true
            f: 1.5e3
            g: 0x1F
            """
        let root = try #require(try parser.parseSingle(text)?.mapping)
        #expect(root["a"]?.scalar?.tag == "tag:yaml.org,2002:str")
        #expect(root["a"]?.scalar?.resolved == .string)
        #expect(root["b"]?.scalar?.value == "line one\nline two\n")
        #expect(root["b"]?.scalar?.style == .literal)
        #expect(root["c"]?.scalar?.value == "folded text\n")
        #expect(root["c"]?.scalar?.style == .folded)
        #expect(root["d"]?.scalar?.resolved == .null)
        #expect(root["e"]?.scalar?.resolved == .bool(true))
        #expect(root["f"]?.scalar?.resolved == .float)
        #expect(root["g"]?.scalar?.resolved == .int)
    }

    @Test("several documents, and an empty input")
    func documents() throws {
        let docs = try parser.parse("a: 1\n---\nb: 2\n---\n- x\n")
        #expect(docs.count == 3)
        #expect(docs[1].mapping?["b"]?.scalar?.value == "2")
        #expect(docs[1].mark == Mark(line: 3, column: 1))
        #expect(docs[2].sequence?.items.count == 1)
        #expect(try parser.parse("").isEmpty)
        #expect(throws: YAMLError.self) { try parser.parseSingle("a: 1\n---\nb: 2\n") }
    }

    @Test("CRLF line ends give the same values and marks as LF")
    func crlf() throws {
        let lf = "a: 1\nlist:\n  - x\n  - y\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let fromLF = try #require(try parser.parseSingle(lf)?.mapping)
        let fromCRLF = try #require(try parser.parseSingle(crlf)?.mapping)
        #expect(fromLF == fromCRLF)
        #expect(fromCRLF["list"]?.sequence?.items[1].mark == Mark(line: 4, column: 5))
        #expect(fromCRLF["list"]?.sequence?.items[1].scalar?.value == "y")
    }

    @Test("a UTF-8 byte-order mark is skipped and does not shift columns")
    func bom() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("key: value\nnext: 2\n".utf8)
        let root = try #require(try parser.parse(bytes: bytes).first?.mapping)
        #expect(root.keys == ["key", "next"])
        #expect(root["key"]?.mark == Mark(line: 1, column: 6))
        #expect(root.pair(forKey: "key")?.key.mark == Mark(line: 1, column: 1))
    }

    @Test("non-ASCII text keeps columns counted in characters")
    func unicodeColumns() throws {
        let root = try #require(try parser.parseSingle("név: ünnep\nx: [é, b]\n")?.mapping)
        #expect(root["név"]?.scalar?.value == "ünnep")
        #expect(root["név"]?.mark == Mark(line: 1, column: 6))
        #expect(root["x"]?.sequence?.items[1].mark == Mark(line: 2, column: 8))
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
