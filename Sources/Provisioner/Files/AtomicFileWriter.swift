#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces files atomically below one output root: nothing half-written is
/// ever visible under a target name, even after `kill -9` or a power cut.
///
/// Each write goes to a temporary file in the target's folder (same file
/// system, unpredictable name, `O_CREAT|O_EXCL|O_NOFOLLOW`, created with the
/// final mode), is fsynced, renamed over the target, and the folder is fsynced.
/// Missing folders are created `0700`. A path that leaves the root through
/// `..`, or that crosses a symbolic link anywhere below the root (the final
/// name included), is refused. Content that is already there is not rewritten,
/// so file watchers see no churn. `-` means standard output. A single write
/// also removes temporary files older than ``staleTemporaryMinutes`` from
/// the target's folder.
///
/// For many files, ``transaction()`` stages everything first and makes it
/// durable with one `syncfs` instead of one `fsync` per file.
package struct AtomicFileWriter: Sendable {
    /// The folder every target must stay below (made absolute at creation).
    package let root: String
    /// Temporary files older than this many minutes, which a killed run
    /// left, are removed from the folder of each ``write(_:to:mode:)``
    /// (nil keeps them; a ``transaction()`` leaves folders as they are).
    package var staleTemporaryMinutes: Int? = StaleTemporaryFiles.defaultMinutes

    /// Creates a writer confined to `root`; a relative root is taken from the current folder.
    ///
    /// The root itself is trusted configuration and may be (or lie below) a
    /// symbolic link; only what lies below it is checked.
    package init(root: String) {
        if root.hasPrefix("/") {
            self.root = root
        } else {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let cwd =
                getcwd(&buffer, buffer.count) == nil
                ? "." : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            self.root = root == "." || root.isEmpty ? cwd : cwd + "/" + root
        }
    }

    /// Writes `bytes` to `path` (relative to the root, or absolute inside it) with `mode`.
    ///
    /// Durable on return: the file and its folder are fsynced.
    @discardableResult
    package func write(_ bytes: [UInt8], to path: String, mode: UInt16 = 0o600) throws(FileWriteError) -> WriteOutcome {
        if path == "-" {
            try StandardOutput.write(bytes)
            return .standardOutput
        }
        try StagedFile.checkMode(mode, path: path)
        let target = try ConfinedPath(path, root: root)
        let folder = try FolderWalker.open(root: root, target: target, create: true)
        defer { close(folder) }
        if let minutes = staleTemporaryMinutes {
            _ = try? StaleTemporaryFiles.remove(inFolder: folder, olderThanMinutes: minutes, path: path)
        }
        switch try StagedFile.stage(bytes, folder: folder, target: target, mode: mode, syncNow: true) {
        case .unchanged(let modeDiffers):
            guard modeDiffers else { return .unchanged }
            try StagedFile.applyMode(mode, folder: folder, target: target)
            return .modeChanged
        case .temporary(let name):
            try StagedFile.rename(name, folder: folder, target: target)
            try SystemCalls.fsyncOrThrow(folder, path: path)
            return .written
        }
    }

    /// Starts a batch: stage many files, then commit them together or abort.
    package func transaction() -> FileTransaction {
        FileTransaction(root: root)
    }
}
