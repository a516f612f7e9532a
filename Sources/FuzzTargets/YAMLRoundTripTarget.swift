import YAMLKit

/// Parse, emit, parse again: the second tree must equal the first.
///
/// Limits are lowered so a single input cannot spend the fuzzer's time on sheer size.
enum YAMLRoundTripTarget {
    static let parser = YAMLParser(limits: ParserLimits(maxInputBytes: 64 << 10, maxDepth: 64, maxAliasExpansion: 10_000))

    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        let documents: [Node]
        do {
            documents = try parser.parse(bytes: input, file: "fuzz.yaml")
        } catch {
            try checkError(error, input: input)
            try checkStreamed(input, whole: .failure(error))
            return
        }
        try checkStreamed(input, whole: .success(documents))
        let emitted: String
        do {
            emitted = try YAMLEmitter().emit(documents: documents)
        } catch {
            throw FuzzFinding("the emitter refused a tree the parser produced: \(error.message)")
        }
        let again: [Node]
        do {
            again = try YAMLParser(limits: ParserLimits(maxInputBytes: 64 << 20, maxDepth: 128, maxAliasExpansion: 1_000_000))
                .parse(emitted, file: "emitted.yaml")
        } catch {
            throw FuzzFinding("the emitter wrote YAML that does not parse: \(error.message)\n--- emitted ---\n\(emitted)")
        }
        guard again == documents else {
            throw FuzzFinding("the emitted YAML reads back as a different tree\n--- emitted ---\n\(emitted)")
        }
    }

    /// Streaming the top-level `clients` list changes nothing but where its
    /// items go: the same error, or the same items (in order, with their
    /// indices) and the same tree once they are put back.
    static func checkStreamed(_ input: [UInt8], whole: Result<[Node], YAMLError>) throws(FuzzFinding) {
        final class Sink { var items: [(node: Node, index: Int)] = [] }
        let sink = Sink()
        let streamed: [Node]
        do {
            streamed = try parser.parse(bytes: input, file: "fuzz.yaml", streamingItemsOf: "clients") { sink.items.append(($0, $1)) }
        } catch {
            guard case .failure(let expected) = whole, expected == error else {
                throw FuzzFinding("streaming `clients` changed the outcome to the error \"\(error.message)\" at \(error.mark)")
            }
            return
        }
        guard case .success(let documents) = whole else {
            throw FuzzFinding("streaming `clients` let through an input the whole-tree parse refuses")
        }
        guard sink.items.map(\.index) == Array(sink.items.indices) else {
            throw FuzzFinding("streamed items came with indices \(sink.items.map(\.index))")
        }
        guard !sink.items.isEmpty else {
            guard streamed == documents else { throw FuzzFinding("a parse that streamed nothing built a different tree") }
            return
        }
        guard let root = documents.first?.mapping, let list = root["clients"]?.sequence,
            list.items == sink.items.map(\.node)
        else {
            throw FuzzFinding("the streamed items differ from the `clients` list of the whole-tree parse")
        }
        guard streamed.count == documents.count, streamed.dropFirst().elementsEqual(documents.dropFirst()),
            let streamedRoot = streamed.first?.mapping, streamedRoot["clients"]?.sequence?.items.isEmpty == true,
            streamedRoot.keys == root.keys
        else {
            throw FuzzFinding("streaming `clients` changed the rest of the tree")
        }
    }

    /// An error names a place inside the input (or just past its end).
    static func checkError(_ error: YAMLError, input: [UInt8]) throws(FuzzFinding) {
        let lines = SourceText(bytes: input).lineCount
        let mark = error.mark
        guard mark.line >= 1, mark.line <= lines + 1, mark.column >= 1 else {
            throw FuzzFinding("the error \"\(error.message)\" points at \(mark), outside the \(lines)-line input")
        }
    }
}
