extension Node {
    /// A scalar node: text plus how it was written.
    public struct Scalar: Sendable, Equatable {
        /// How a scalar was written, or should be written.
        public enum Style: Sendable, Hashable {
            /// Let the emitter choose a style that reads back as the same string.
            case any
            /// Unquoted; the value resolves to null, bool, int, float or string by its text.
            case plain
            case singleQuoted
            case doubleQuoted
            case literal
            case folded
        }

        /// The scalar's text, with escapes and folding already applied.
        public var value: String
        /// The explicit tag, if any.
        public var tag: String?
        /// The style the source used (or the emitter should use).
        public var style: Style
        /// Where the scalar starts.
        public var mark: Mark
        /// Just past the scalar's last character, so a multi-line scalar's lines
        /// are known (for a block scalar, the start of the line after it).
        public var endMark: Mark

        /// Creates a scalar; `endMark` defaults to `mark`.
        public init(_ value: String, tag: String? = nil, style: Style = .any, mark: Mark = Mark(line: 0, column: 0), endMark: Mark? = nil) {
            self.value = value
            self.tag = tag
            self.style = style
            self.mark = mark
            self.endMark = endMark ?? mark
        }

        /// What the scalar means under the YAML 1.2 core schema: an explicit tag
        /// decides; otherwise only a plain scalar can be anything other than a string.
        public var resolved: ResolvedScalar {
            // An explicit tag decides, whatever the quoting: the core schema's own
            // tags read the text as that schema does, any other tag is a string.
            if let tag {
                switch tag {
                case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                    "!!int", "!!float", "!!bool", "!!null":
                    return ScalarResolver.coreSchema(value)
                default:
                    return .string
                }
            }
            guard style == .plain else { return .string }
            return ScalarResolver.coreSchema(value)
        }

        /// Whether the scalar means null; cheap for the common plain, untagged case.
        public var isNull: Bool {
            if tag == nil {
                // Null spellings are at most four bytes: longer keys and values skip the compares.
                guard style == .plain, value.utf8.count <= 4 else { return false }
                switch value {
                case "", "~", "null", "Null", "NULL": return true
                default: return false
                }
            }
            return resolved == .null
        }

        /// Same text, tag and type; every spelling of null (``, `~`, `null`) is one value.
        public static func == (lhs: Scalar, rhs: Scalar) -> Bool {
            let resolved = lhs.resolved
            guard lhs.tag == rhs.tag, resolved == rhs.resolved else { return false }
            return resolved == .null || lhs.value == rhs.value
        }
    }
}
