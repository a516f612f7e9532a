#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes bytes straight to file descriptor 1, for the `-` output path.
///
/// Used instead of `FileHandle`/`print` so the bytes go out exactly as
/// rendered, unbuffered and in full, even when they are large.
enum StandardOutput {
    static func write(_ bytes: [UInt8]) throws(FileWriteError) {
        try SystemCalls.writeAll(STDOUT_FILENO, bytes, path: "-")
    }
}
