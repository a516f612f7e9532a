import Testing
import YAMLKit

/// `SourceText.nearestLine(above:indentedLessThan:)`: the parent-line walk that
/// masking secrets in diagnostics relies on.
@Suite("Source text: the nearest less-indented line above")
struct SourceTextTests {
    static let text = SourceText(
        bytes: Array(
            """
            clients:
              - name: a

                auth:
                  secret: x
              - name: b
            # comment
            """.utf8))

    @Test("siblings and deeper lines are passed over; blank lines count as indentation 0")
    func walksUp() {
        // Line 5 (`      secret: x`) under `    auth:` (4) under `  - name: a` (4 with the dash).
        #expect(Self.text.nearestLine(above: 5, indentedLessThan: 6) == 4)
        #expect(Self.text.nearestLine(above: 4, indentedLessThan: 4) == 3)  // the blank line
        #expect(Self.text.nearestLine(above: 3, indentedLessThan: 4) == 1)
        #expect(Self.text.nearestLine(above: 6, indentedLessThan: 4) == 3)
        #expect(Self.text.nearestLine(above: 2, indentedLessThan: 1) == 1)
        #expect(Self.text.nearestLine(above: 6, indentedLessThan: 0) == nil)
        #expect(Self.text.nearestLine(above: 1, indentedLessThan: 10) == nil)
    }

    @Test("a line number past the end starts from the last line; a BOM on line 1 is not indentation")
    func edges() {
        #expect(Self.text.nearestLine(above: 99, indentedLessThan: 1) == 7)
        let bom = SourceText(bytes: [0xEF, 0xBB, 0xBF] + Array("a:\n  b: 1\n".utf8))
        #expect(bom.nearestLine(above: 2, indentedLessThan: 2) == 1)
        #expect(bom.nearestLine(above: 2, indentedLessThan: 1) == 1)
    }
}
