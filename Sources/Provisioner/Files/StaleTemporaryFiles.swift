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
/// A run does so in every folder its outputs are in (``remove(foldersOf:root:olderThanMinutes:)``),
/// and ``AtomicFileWriter/write(_:to:mode:)`` in the folder it writes.
package enum StaleTemporaryFiles {
    /// The age after which a run removes temporary files it finds in a folder
    /// it writes. A run's own temporary files live from staging to commit,
    /// seconds even for 10,000 files; ten minutes spares a concurrent run's.
    package static let defaultMinutes = 10

    /// Removes regular files named with the temporary prefix in `folder` whose
    /// last change is older than `minutes`; returns how many were removed.
    ///
    /// Does not follow links and does not descend into subfolders. A missing
    /// folder holds nothing stale and returns 0.
    @discardableResult
    package static func remove(in folder: String, olderThanMinutes minutes: Int) throws(FileWriteError) -> Int {
        let fd = SystemCalls.openAt(AT_FDCWD, folder, O_RDONLY | O_DIRECTORY)
        if fd < 0 {
            if errno == ENOENT { return 0 }
            throw SystemCalls.failure("opening the folder", errno, path: folder)
        }
        defer { close(fd) }
        return try remove(inFolder: fd, olderThanMinutes: minutes, path: folder)
    }

    /// The same in the folder of each of `paths` (below `root`, as for
    /// ``AtomicFileWriter``), each folder once. Folders are opened without
    /// following a symbolic link below the root; a missing or unusable
    /// folder is skipped (its writes report the problem). Returns how many
    /// files were removed.
    @discardableResult
    package static func remove(foldersOf paths: some Sequence<String>, root: String, olderThanMinutes minutes: Int) -> Int {
        let rootComponents = ConfinedPath.normalise(root)
        var seen: Set<String> = []
        var removed = 0
        for path in paths where path != "-" {
            guard let target = try? ConfinedPath(path, root: root, rootComponents: .some(rootComponents)),
                seen.insert(target.folderKey).inserted,
                let folder = try? FolderWalker.open(root: root, target: target, create: false)
            else { continue }
            removed += (try? remove(inFolder: folder, olderThanMinutes: minutes, path: path)) ?? 0
            close(folder)
        }
        return removed
    }

    /// The same in an open folder (the descriptor stays open and its position
    /// untouched); `path` names the folder in errors.
    @discardableResult
    static func remove(inFolder folder: Int32, olderThanMinutes minutes: Int, path: String) throws(FileWriteError) -> Int {
        // A new open file description: reading it does not move `folder`'s.
        let fd = SystemCalls.openAt(folder, ".", O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw SystemCalls.failure("opening the folder", errno, path: path) }
        guard let directory = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw SystemCalls.failure("reading the folder", code, path: path)
        }
        defer { closedir(directory) }
        let cutoff = time(nil) - time_t(minutes) * 60
        var stale: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(TemporaryName.prefix),
                let info = try? SystemCalls.lstatAt(fd, name, path: path),
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
