extension Node {
    /// A mapping node whose keys keep their source order.
    public struct Mapping: Sendable, Equatable {
        /// One key and its value.
        public struct Pair: Sendable, Equatable {
            /// The key node (almost always a scalar).
            public var key: Node
            /// The value node.
            public var value: Node

            /// Creates a pair.
            public init(key: Node, value: Node) {
                self.key = key
                self.value = value
            }
        }

        /// The pairs in source order (merged keys appear where their `<<` stood).
        public var pairs: [Pair]
        /// The explicit tag, if any.
        public var tag: String?
        /// Where the mapping starts.
        public var mark: Mark

        /// Creates a mapping.
        public init(pairs: [Pair], tag: String? = nil, mark: Mark = Mark(line: 0, column: 0)) {
            self.pairs = pairs
            self.tag = tag
            self.mark = mark
        }

        /// The value for a scalar key with this text, if present.
        public subscript(key: String) -> Node? {
            pair(forKey: key)?.value
        }

        /// The whole pair for a scalar key with this text, so callers can report the key's mark.
        public func pair(forKey key: String) -> Pair? {
            pairs.first { $0.key.scalar?.value == key }
        }

        /// The scalar keys' texts, in order.
        public var keys: [String] {
            pairs.compactMap { $0.key.scalar?.value }
        }

        /// Equal pairs in the same order and the same tag; marks are not compared.
        public static func == (lhs: Mapping, rhs: Mapping) -> Bool {
            lhs.pairs == rhs.pairs && lhs.tag == rhs.tag
        }
    }
}
