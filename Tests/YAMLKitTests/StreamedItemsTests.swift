import Testing
import YAMLKit

/// `parse(bytes:file:streamingItemsOf:to:)`: the items of one top-level list
/// go to a callback as they complete, and only that list is left out of the tree.
@Suite("Streamed top-level list items")
struct StreamedItemsTests {
    let parser = YAMLParser()

    /// Parses `text` streaming `clients`; returns the tree and the items handed over, with their indices.
    private func parse(_ text: String) throws -> (documents: [Node], items: [(index: Int, node: Node)]) {
        final class Sink { var items: [(index: Int, node: Node)] = [] }
        let sink = Sink()
        let documents = try parser.parse(bytes: Array(text.utf8), file: "m.yaml", streamingItemsOf: "clients") { node, index in
            sink.items.append((index, node))
        }
        return (documents, sink.items)
    }

    @Test("items arrive in order with their index and marks; the list in the tree is empty; the rest is kept")
    func streamsItems() throws {
        let text = """
            version: 1
            clients:
              - {name: a, auth: {secret: x}}
              - name: b
                outputs: [{env: b.env}]
            outputs: [{json: all.json}]
            """
        let (documents, items) = try parse(text)
        #expect(items.map(\.index) == [0, 1])
        #expect(items.map { $0.node.mapping?["name"]?.scalar?.value } == ["a", "b"])
        #expect(items[1].node.mark == Mark(line: 4, column: 5))
        #expect(items[1].node.mapping?["outputs"]?.sequence?.items.first?.mapping?["env"]?.scalar?.value == "b.env")
        let root = try #require(documents.first?.mapping)
        let clients = try #require(root["clients"]?.sequence)
        #expect(clients.items.isEmpty)
        #expect(clients.mark == Mark(line: 3, column: 3))
        #expect(root["version"]?.scalar?.value == "1")
        #expect(root["outputs"]?.sequence?.items.count == 1)
    }

    @Test("an item may use an anchor defined before the list or in an earlier item")
    func aliasesInsideItems() throws {
        let text = """
            x-auth: &auth {method: client_secret_basic, secret: s}
            clients:
              - {name: a, auth: *auth, scope: &s read}
              - {name: b, auth: *auth, scope: *s}
            """
        let (_, items) = try parse(text)
        #expect(items.count == 2)
        #expect(items[1].node.mapping?["auth"]?.mapping?["method"]?.scalar?.value == "client_secret_basic")
        #expect(items[1].node.mapping?["scope"]?.scalar?.value == "read")
    }

    @Test("an anchored or tagged list, a nested `clients`, a merged one and a later document's stay in the tree")
    func keptWhole() throws {
        let anchored = try parse("clients: &all [{name: a}]\ncopy: *all\n")
        #expect(anchored.items.isEmpty)
        #expect(anchored.documents.first?.mapping?["copy"]?.sequence?.items.count == 1)

        let tagged = try parse("clients: !!seq [{name: a}]\n")
        #expect(tagged.items.isEmpty)
        #expect(tagged.documents.first?.mapping?["clients"]?.sequence?.items.count == 1)

        let nested = try parse("group:\n  clients: [{name: a}]\n")
        #expect(nested.items.isEmpty)

        let merged = try parse("base: &b\n  clients: [{name: a}]\n<<: *b\n")
        #expect(merged.items.isEmpty)
        #expect(merged.documents.first?.mapping?["clients"]?.sequence?.items.count == 1)

        let twoDocuments = try parse("clients: [{name: a}]\n---\nclients: [{name: b}]\n")
        #expect(twoDocuments.items.map { $0.node.mapping?["name"]?.scalar?.value } == ["a"])
        #expect(twoDocuments.documents.last?.mapping?["clients"]?.sequence?.items.count == 1)

        let quotedKey = try parse("\"clients\": [{name: a}]\n")
        #expect(quotedKey.items.isEmpty)
    }

    @Test("errors still throw with their place, after the items before them were handed over")
    func errorsAfterItems() throws {
        let duplicate = "clients:\n  - {name: a}\nclients:\n  - {name: b}\n"
        let error = #expect(throws: YAMLError.self) { try parse(duplicate) }
        #expect(error?.mark == Mark(line: 3, column: 1))
        #expect(error?.message.contains("duplicate key `clients`") == true)

        let broken = "clients:\n  - {name: a}\n  - {name: [b\n"
        #expect(throws: YAMLError.self) { try parse(broken) }
    }

    @Test("alias expansion inside streamed items still counts toward the billion-laughs limit")
    func aliasLimit() throws {
        var limited = ParserLimits()
        limited.maxAliasExpansion = 10
        let parser = YAMLParser(limits: limited)
        let text = "x: &x [1, 2, 3, 4, 5]\nclients:\n  - *x\n  - *x\n  - *x\n"
        let error = #expect(throws: YAMLError.self) {
            try parser.parse(bytes: Array(text.utf8), file: "m.yaml", streamingItemsOf: "clients") { _, _ in }
        }
        #expect(error?.message.contains("billion laughs") == true)
    }
}
