#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes temporary files that a killed or crashed run left in an output folder.
///
/// A run killed between creating a temporary file and renaming it leaves at
/// most one such file per target, named with ``TemporaryName/prefix``. Only
/// files older than a threshold are removed, so a concurrent run's files that
/// are being written right now survive; with a threshold of a few minutes,
/// every leftover is gone after the next run that cleans its folders.
public enum StaleTemporaryFiles {
    /// Removes regular files named with the temporary prefix in `folder` whose
    /// last change is older than `minutes`; returns how many were removed.
    ///
    /// Does not follow links and does not descend into subfolders. A missing
    /// folder holds nothing stale and returns 0.
    @discardableResult
    public static func remove(in folder: String, olderThanMinutes minutes: Int) throws(FileWriteError) -> Int {
        let fd = SystemCalls.openAt(AT_FDCWD, folder, O_RDONLY | O_DIRECTORY)
        if fd < 0 {
            if errno == ENOENT { return 0 }
            throw SystemCalls.failure("opening the folder", errno, path: folder)
        }
        guard let directory = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw SystemCalls.failure("reading the folder", code, path: folder)
        }
        defer { closedir(directory) }
        let cutoff = time(nil) - time_t(minutes) * 60
        var stale: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(TemporaryName.prefix),
                let info = try? SystemCalls.lstatAt(fd, name, path: folder),
                SystemCalls.kind(info) == S_IFREG,
                info.st_mtim.tv_sec <= cutoff
            else { continue }
            stale.append(name)
        }
        var removed = 0
        for name in stale where unlinkat(fd, name, 0) == 0 {
            removed += 1
        }
        return removed
    }
}
