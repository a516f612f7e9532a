/// A problem writing a file that is not one client's own output: an aggregate
/// output, the token state file, the report or the metrics file.
///
/// Each makes the run exit 1 and is listed in the summary and the report;
/// the message names the file and what to do, and never holds file content.
package struct WriteFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was not written.
    package struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case output, aggregateIncomplete = "aggregate_incomplete", state, sideFile = "side_file"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An output file could not be rendered or written.
        package static let output = Kind(.output)
        /// An aggregate output was left as it is because clients it covers hold no valid token.
        package static let aggregateIncomplete = Kind(.aggregateIncomplete)
        /// The token state file could not be read for merging, locked or written.
        package static let state = Kind(.state)
        /// The report or the metrics file could not be written.
        package static let sideFile = Kind(.sideFile)

        /// The kind's stable name.
        package var description: String { base.rawValue }
    }

    /// What was not written.
    package let kind: Kind
    /// A sentence naming the file and what to do.
    package let message: String
    /// The output's path (as ``OutputSpec/path`` holds it) when an output
    /// was not written, so callers can tell which one without reading the message.
    package let path: String?

    /// Creates a failure.
    package init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    /// The message.
    package var description: String { message }
}
