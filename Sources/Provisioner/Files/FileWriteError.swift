/// Why a file could not be written, with the path and what to do about it.
///
/// The writer is shared by the outputs, the token cache, the report and the
/// metrics file, so this error knows nothing about clients or manifests; the
/// output layer wraps it in ``OutputError`` with that context. It never holds
/// file content.
package struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; a struct with static members so codes can be added later.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }

        /// The path leaves the output root through `..` or is absolute outside it.
        package static let escapesRoot = Code("escapes-root")
        /// A folder or the file itself is a symbolic link, which could point outside the root.
        package static let symbolicLink = Code("symbolic-link")
        /// Something on the path is not a folder, or the target is not a regular file.
        package static let notRegularFile = Code("not-a-regular-file")
        /// The same target was staged twice in one transaction.
        package static let duplicateTarget = Code("duplicate-target")
        /// The requested mode has bits outside `0o777`.
        package static let invalidMode = Code("invalid-mode")
        /// A system call failed; the message names it and the `errno` text.
        package static let systemCall = Code("system-call")

        /// The code's stable name, for logs and tests.
        package var description: String { raw }
    }

    /// The kind of failure.
    package var code: Code
    /// The path as the caller gave it.
    package var path: String
    /// What went wrong, as a sentence.
    package var reason: String
    /// What to do about it.
    package var hint: String

    /// Creates an error.
    package init(code: Code, path: String, reason: String, hint: String) {
        self.code = code
        self.path = path
        self.reason = reason
        self.hint = hint
    }

    /// `cannot write PATH: reason; hint`.
    package var description: String { "cannot write \(path): \(reason); \(hint)" }
}
