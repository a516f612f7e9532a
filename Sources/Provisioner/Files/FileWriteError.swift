/// Why a file could not be written, with the path and what to do about it.
///
/// The writer is shared by the outputs, the token cache, the report and the
/// metrics file, so this error knows nothing about clients or manifests; the
/// output layer wraps it in ``OutputError`` with that context. It never holds
/// file content.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; a struct with static members so codes can be added later.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }

        /// The path leaves the output root through `..` or is absolute outside it.
        public static let escapesRoot = Code("escapes-root")
        /// A folder or the file itself is a symbolic link, which could point outside the root.
        public static let symbolicLink = Code("symbolic-link")
        /// Something on the path is not a folder, or the target is not a regular file.
        public static let notRegularFile = Code("not-a-regular-file")
        /// The same target was staged twice in one transaction.
        public static let duplicateTarget = Code("duplicate-target")
        /// The requested mode has bits outside `0o777`.
        public static let invalidMode = Code("invalid-mode")
        /// A system call failed; the message names it and the `errno` text.
        public static let systemCall = Code("system-call")

        /// The code's stable name, for logs and tests.
        public var description: String { raw }
    }

    /// The kind of failure.
    public var code: Code
    /// The path as the caller gave it.
    public var path: String
    /// What went wrong, as a sentence.
    public var reason: String
    /// What to do about it.
    public var hint: String

    /// Creates an error.
    public init(code: Code, path: String, reason: String, hint: String) {
        self.code = code
        self.path = path
        self.reason = reason
        self.hint = hint
    }

    /// `cannot write PATH: reason; hint`.
    public var description: String { "cannot write \(path): \(reason); \(hint)" }
}
