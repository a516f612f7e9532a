#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, EINTR-safe wrappers over the POSIX calls the writer needs.
///
/// Each returns the result or throws a ``FileWriteError`` naming the call and
/// the `errno` text, so callers read as a straight sequence of steps.
enum SystemCalls {
    /// The text of an `errno` value (`No such file or directory`).
    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// A `systemCall` error for `call` failing with `code` on `path`.
    static func failure(_ call: String, _ code: Int32, path: String, hint: String = "check the folder's permissions and free space")
        -> FileWriteError
    {
        FileWriteError(code: .systemCall, path: path, reason: "\(call) failed: \(describe(code))", hint: hint)
    }

    /// Writes every byte, retrying after EINTR and short writes.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileWriteError) {
        var failed: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                offset += written
            }
        }
        if failed != 0 { throw failure("write", failed, path: path) }
    }

    /// Reads up to `limit + 1` bytes, so callers can tell "exactly limit" from "longer".
    static func readAll(_ fd: Int32, limit: Int, path: String) throws(FileWriteError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: limit + 1)
        var filled = 0
        var failed: Int32 = 0
        result.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let count = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                if count == 0 { return }
                filled += count
            }
        }
        if failed != 0 { throw failure("read", failed, path: path) }
        result.removeSubrange(filled...)
        return result
    }

    /// `fsync`, retried after EINTR.
    static func fsyncOrThrow(_ fd: Int32, path: String) throws(FileWriteError) {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw failure("fsync", errno, path: path)
        }
    }

    /// `openat`, retried after EINTR; returns -1 with `errno` set on failure.
    static func openAt(_ dirfd: Int32, _ name: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        while true {
            let fd = openat(dirfd, name, flags | O_CLOEXEC, mode)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    /// `fstatat` without following a final symbolic link; nil when the name does not exist.
    static func lstatAt(_ dirfd: Int32, _ name: String, path: String) throws(FileWriteError) -> stat? {
        var info = stat()
        if fstatat(dirfd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { return info }
        if errno == ENOENT { return nil }
        throw failure("stat", errno, path: path)
    }

    /// Flushes the whole file system holding `fd` in one call (Linux `syncfs`).
    ///
    /// Glibc declares `syncfs` only under `_GNU_SOURCE`, which the Swift module
    /// map does not set, so the symbol is looked up once at run time; where it is
    /// missing (other systems), the caller falls back to one `fsync` per file.
    static func syncFileSystem(_ fd: Int32, path: String) throws(FileWriteError) -> Bool {
        guard let syncfs = syncfsFunction else { return false }
        while syncfs(fd) != 0 {
            if errno == EINTR { continue }
            throw failure("syncfs", errno, path: path)
        }
        return true
    }

    private typealias SyncFS = @convention(c) (Int32) -> Int32

    private static let syncfsFunction: SyncFS? = {
        #if os(Linux)
            guard let symbol = dlsym(nil, "syncfs") else { return nil }
            return unsafeBitCast(symbol, to: SyncFS.self)
        #else
            return nil
        #endif
    }()

    /// Whether a `stat` result is a symbolic link, folder or regular file.
    static func kind(_ info: stat) -> mode_t { info.st_mode & S_IFMT }
}
