import Testing
import YAMLKit

@Suite("Anchors, aliases and merge keys")
struct AliasAndMergeTests {
    let parser = YAMLParser()

    @Test("an alias yields a copy of the anchored node")
    func alias() throws {
        let root = try #require(try parser.parseSingle("base: &b {x: 1, y: [a, b]}\ncopy: *b\n")?.mapping)
        #expect(root["copy"] == root["base"])
        #expect(root["copy"]?.mapping?["y"]?.sequence?.items.count == 2)
    }

    @Test("`<<: *defaults` merges keys; explicit keys win and keep their place")
    func singleMerge() throws {
        let text = """
            defaults: &defaults
              timeout: 10s
              retries: 4
            client:
              name: billing
              <<: *defaults
              retries: 2
            """
        let client = try #require(try parser.parseSingle(text)?.mapping?["client"]?.mapping)
        #expect(client.keys == ["name", "timeout", "retries"])
        #expect(client["retries"]?.scalar?.value == "2")
        #expect(client["timeout"]?.scalar?.value == "10s")
        // A merged value keeps the mark of where it was written.
        #expect(client["timeout"]?.mark == Mark(line: 2, column: 12))
    }

    @Test("a list of aliases merges in order, earlier mappings winning")
    func listMerge() throws {
        let text = """
            a: &a {x: from-a, y: from-a}
            b: &b {y: from-b, z: from-b}
            c:
              <<: [*a, *b]
              w: own
            """
        let c = try #require(try parser.parseSingle(text)?.mapping?["c"]?.mapping)
        #expect(c.keys == ["x", "y", "z", "w"])
        #expect(c["y"]?.scalar?.value == "from-a")
        #expect(c["z"]?.scalar?.value == "from-b")
    }

    @Test("several merge keys, one of them last: each contributes where it stands, explicit and earlier keys winning")
    func mergesAroundExplicitKeys() throws {
        let text = """
            a: &a {x: from-a, y: from-a}
            b: &b {y: from-b, z: from-b, w: from-b}
            c:
              <<: *a
              w: own
              <<: *b
            """
        let c = try #require(try parser.parseSingle(text)?.mapping?["c"]?.mapping)
        #expect(c.keys == ["x", "y", "w", "z"])
        #expect(c["y"]?.scalar?.value == "from-a")
        #expect(c["w"]?.scalar?.value == "own")
        #expect(c["z"]?.scalar?.value == "from-b")
    }

    @Test("merging a scalar is an error at the value")
    func badMerge() {
        #expect {
            try parser.parseSingle("a:\n  <<: nope\n", file: "m.yaml")
        } throws: { error in
            let error = error as? YAMLError
            return error?.mark == Mark(line: 2, column: 7) && error?.message.contains("merge key") == true
        }
    }

    @Test("an unknown alias is an error naming it")
    func unknownAlias() {
        #expect {
            try parser.parseSingle("a: *missing\n", file: "m.yaml")
        } throws: { error in
            (error as? YAMLError)?.summary == "m.yaml:1:4: error: unknown alias `*missing`; define `&missing` before using it"
        }
    }

    @Test("duplicate keys name both places")
    func duplicateKeys() {
        let text = "clients:\n  name: a\n  scope: x\n  name: b\n"
        #expect {
            try parser.parseSingle(text, file: "m.yaml")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.summary == "m.yaml:4:3: error: duplicate key `name` in this mapping; remove one of the two"
                && error.notes == ["`name` was first defined at 2:3"]
                && error.description.contains("m.yaml: note: `name` was first defined at 2:3")
        }
    }

    @Test(
        "duplicates are found in small and large mappings, among null spellings, and merged keys never clash",
        arguments: [3, 12, 13, 40])
    func duplicatesAtEverySize(keys: Int) throws {
        let lines = (0..<keys).map { "k\($0): \($0)" }
        let error = #expect(throws: YAMLError.self) {
            try parser.parseSingle((lines + ["k1: again", "k\(keys - 1): last"]).joined(separator: "\n"), file: "m.yaml")
        }
        #expect(error?.mark == Mark(line: keys + 1, column: 1))
        #expect(error?.notes == ["`k1` was first defined at 2:1"])

        let nulls = #expect(throws: YAMLError.self) { try parser.parseSingle((lines + ["~: a", "null: b"]).joined(separator: "\n")) }
        #expect(nulls?.message.contains("duplicate key `~`") == true)
        #expect(nulls?.mark == Mark(line: keys + 2, column: 1))

        // A merged key that an explicit key already has is dropped, not a duplicate.
        let merged = try #require(
            try parser.parseSingle(
                (["base: &b {k0: merged, extra: 1}", "m:", "  <<: *b"] + lines.map { "  " + $0 }).joined(separator: "\n"))?
                .mapping?["m"]?.mapping)
        #expect(merged["k0"]?.scalar?.value == "0")
        #expect(merged["extra"]?.scalar?.value == "1")
        #expect(merged.keys.count == keys + 1)
    }
}
