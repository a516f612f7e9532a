#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The first step of an atomic replace inside an open folder: compare with the
/// current file, and if it differs, write a complete temporary file beside it.
///
/// Shared by ``AtomicFileWriter/write(_:to:mode:)`` (which syncs each file) and
/// ``FileTransaction`` (which syncs the file system once for all of them).
enum StagedFile {
    /// What staging found or made.
    enum Result {
        /// The target already holds these bytes; `modeDiffers` says a `chmod` is still due.
        case unchanged(modeDiffers: Bool)
        /// A complete temporary file with this name waits in the folder.
        case temporary(String)
    }

    /// Compares `bytes` with the target and writes a temporary file when they differ.
    static func stage(_ bytes: [UInt8], folder: Int32, target: ConfinedPath, mode: UInt16, syncNow: Bool) throws(FileWriteError) -> Result {
        if let unchanged = try compareExisting(bytes, folder: folder, target: target, mode: mode) {
            return unchanged
        }
        return .temporary(try writeTemporary(bytes, folder: folder, target: target, mode: mode, syncNow: syncNow))
    }

    /// Refuses modes with bits outside `0o777` (set-id and sticky bits make no sense here).
    static func checkMode(_ mode: UInt16, path: String) throws(FileWriteError) {
        guard mode & ~0o777 == 0 else {
            throw FileWriteError(
                code: .invalidMode, path: path, reason: "mode 0\(String(mode, radix: 8)) has bits outside 0777",
                hint: "use a plain permission mode such as \"0600\" or \"0640\"")
        }
    }

    private static func compareExisting(_ bytes: [UInt8], folder: Int32, target: ConfinedPath, mode: UInt16) throws(FileWriteError)
        -> Result?
    {
        guard let info = try SystemCalls.lstatAt(folder, target.name, path: target.display) else { return nil }
        switch SystemCalls.kind(info) {
        case S_IFREG: break
        case S_IFLNK:
            throw FileWriteError(
                code: .symbolicLink, path: target.display,
                reason: "the file is a symbolic link, which could lead out of the output root",
                hint: "remove the link; tokensmith writes a regular file in its place")
        default:
            throw FileWriteError(
                code: .notRegularFile, path: target.display, reason: "the target exists and is not a regular file",
                hint: "remove or rename it, or choose another output path")
        }
        guard Int(info.st_size) == bytes.count else { return nil }
        let fd = SystemCalls.openAt(folder, target.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        // An unreadable old file (for example mode 0200) is simply replaced.
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let current = try SystemCalls.readAll(fd, limit: bytes.count, path: target.display)
        guard current == bytes else { return nil }
        return .unchanged(modeDiffers: UInt16(info.st_mode & 0o7777) != mode)
    }

    private static func writeTemporary(_ bytes: [UInt8], folder: Int32, target: ConfinedPath, mode: UInt16, syncNow: Bool)
        throws(FileWriteError) -> String
    {
        var name = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            name = TemporaryName.make()
            // Created with the final mode (umask can only narrow it; the fchmod
            // below restores the exact bits before any byte is written).
            fd = SystemCalls.openAt(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode_t(mode))
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw SystemCalls.failure("creating a temporary file", errno, path: target.display)
        }
        do throws(FileWriteError) {
            if fchmod(fd, mode_t(mode)) != 0 { throw SystemCalls.failure("fchmod", errno, path: target.display) }
            try SystemCalls.writeAll(fd, bytes, path: target.display)
            if syncNow { try SystemCalls.fsyncOrThrow(fd, path: target.display) }
        } catch {
            close(fd)
            unlinkat(folder, name, 0)
            throw error
        }
        if close(fd) != 0 {
            let code = errno
            unlinkat(folder, name, 0)
            throw SystemCalls.failure("close", code, path: target.display)
        }
        return name
    }

    /// Sets the mode of an existing target without following a link, durably.
    static func applyMode(_ mode: UInt16, folder: Int32, target: ConfinedPath) throws(FileWriteError) {
        let fd = SystemCalls.openAt(folder, target.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw SystemCalls.failure("opening to change the mode", errno, path: target.display) }
        defer { close(fd) }
        if fchmod(fd, mode_t(mode)) != 0 { throw SystemCalls.failure("fchmod", errno, path: target.display) }
        try SystemCalls.fsyncOrThrow(fd, path: target.display)
    }

    /// Renames the temporary file over the target, inside the same folder.
    static func rename(_ temporary: String, folder: Int32, target: ConfinedPath) throws(FileWriteError) {
        if renameat(folder, temporary, folder, target.name) != 0 {
            let code = errno
            unlinkat(folder, temporary, 0)
            throw SystemCalls.failure("rename", code, path: target.display)
        }
    }
}

/// Names of temporary files: a fixed, recognisable prefix plus 96 random bits.
///
/// The prefix lets ``StaleTemporaryFiles`` find what a killed run left behind;
/// the random part (from the system's cryptographic generator) makes the name
/// unpredictable, and `O_EXCL` makes a collision an error rather than a reuse.
package enum TemporaryName {
    /// Every temporary file tokensmith creates starts with this.
    package static let prefix = ".tokensmith-tmp-"

    /// A fresh name: the prefix and 96 random bits in hex.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt32
        let hex = String(high, radix: 16) + "-" + String(low, radix: 16)
        return prefix + hex
    }
}
