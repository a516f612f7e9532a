#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the file system says about a set of output files, condensed to one
/// digest, so a later run can tell with one `lstat` per file that nobody
/// touched them since they were written or compared.
///
/// Per file: device, inode, size, mode, and the modification and change
/// times to the nanosecond; a missing file has its own mark. Any write to a
/// file, `chmod`, replacement by an editor (new inode) or `touch` changes at
/// least one of these. The change time (`ctime`) cannot be set by a user, so
/// an edit that restores size and modification time still shows. A stamp
/// that differs does not mean the bytes differ (a `touch` alone changes it):
/// it only sends the files to a read-and-compare with their expected content.
/// Standard output (`-`) is not a file and is left out.
enum OutputFileStamp {
    /// The stamp of `paths` (in that order), as 64 hex characters.
    static func of(_ paths: some Sequence<String>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        for path in paths where path != "-" {
            var info = stat()
            if lstat(path, &info) != 0 {
                bytes.append(contentsOf: "-\n".utf8)
                continue
            }
            let fields: [Int] = [
                Int(truncatingIfNeeded: info.st_dev), Int(truncatingIfNeeded: info.st_ino), Int(info.st_size),
                Int(info.st_mode), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec),
                Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec),
            ]
            for field in fields {
                appendDecimal(field, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
            }
            bytes.append(0x0A)
        }
        return SHA256Digest.hex(of: bytes)
    }

    /// `value` in decimal, as `String(value)` spells it, without making the string.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Digits from the right into a small buffer (an Int has at most 20), then one append.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index...]))
        }
    }

    /// The stamp of a client's outputs' files.
    static func of(_ outputs: [OutputSpec]) -> String {
        of(outputs.lazy.map(\.path))
    }
}
