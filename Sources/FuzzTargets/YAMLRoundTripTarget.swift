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
            return
        }
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

    /// An error names a place inside the input (or just past its end).
    static func checkError(_ error: YAMLError, input: [UInt8]) throws(FuzzFinding) {
        let lines = SourceText(bytes: input).lineCount
        let mark = error.mark
        guard mark.line >= 1, mark.line <= lines + 1, mark.column >= 1 else {
            throw FuzzFinding("the error \"\(error.message)\" points at \(mark), outside the \(lines)-line input")
        }
    }
}
