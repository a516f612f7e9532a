extension Node {
    /// A sequence node.
    public struct Sequence: Sendable, Equatable {
        /// The items in source order.
        public var items: [Node]
        /// The explicit tag, if any.
        public var tag: String?
        /// Where the sequence starts.
        public var mark: Mark

        /// Creates a sequence.
        public init(items: [Node], tag: String? = nil, mark: Mark = Mark(line: 0, column: 0)) {
            self.items = items
            self.tag = tag
            self.mark = mark
        }

        /// Equal items in the same order and the same tag; marks are not compared.
        public static func == (lhs: Sequence, rhs: Sequence) -> Bool {
            lhs.items == rhs.items && lhs.tag == rhs.tag
        }
    }
}
