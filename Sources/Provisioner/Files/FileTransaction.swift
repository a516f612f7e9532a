#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A batch of atomic file replacements: stage every file, then commit all or abort all.
///
/// Staging writes complete temporary files but renames nothing, so until
/// ``commit()`` every target keeps its old content; this is what makes
/// `--all-or-nothing` possible. Commit makes all temporary files durable with
/// one `syncfs` per file system (instead of an `fsync` per file, which would
/// dominate a run writing 10,000 files), renames each over its target, then
/// fsyncs each distinct folder once. Standard output (`-`) is written at
/// commit, after the files. ``abort()`` removes the temporary files; a
/// transaction dropped without either aborts.
///
/// Each rename is atomic on its own; a commit that fails half-way (a full
/// disk, a folder removed meanwhile) leaves the earlier targets renamed and
/// reports the first failure. Not thread-safe: stage from one task.
package final class FileTransaction {
    /// The output root, as in ``AtomicFileWriter/root``.
    package let root: String

    private struct Entry {
        var target: ConfinedPath
        var mode: UInt16
        var action: Action
    }

    private enum Action {
        case rename(temporary: String)
        case chmod
        case nothing
        /// Taken back with ``discard(_:)``: no outcome, nothing to do.
        case discarded
    }

    private var entries: [Entry] = []
    /// Each staged target's position in `entries`.
    private var targets: [[String]: Int] = [:]
    private var standardOutput: [[UInt8]] = []
    /// Open folder descriptors by folder key, with their device; bounded so
    /// 10,000 folders do not exhaust descriptors (evicted ones are reopened).
    private var folders: [String: (fd: Int32, device: dev_t)] = [:]
    private var finished = false
    /// Calls that made staged files durable (`syncfs`, or `fsync` where it is
    /// missing): one per file system, not one per file.
    private(set) var fileSyncCalls = 0
    private static let maximumOpenFolders = 64

    /// `root` split once for every ``stage(_:to:mode:)``.
    private let rootComponents: [String]?
    /// The folder part (up to the last `/`) of the last path placed, and its
    /// normalised folders: the files of one folder are placed without
    /// splitting and checking the same folders again for each.
    private var lastFolder: (text: Substring, folders: [String])?

    init(root: String) {
        self.root = root
        self.rootComponents = ConfinedPath.normalise(root)
    }

    deinit {
        if !finished { abort() }
        closeFolders()
    }

    /// How many targets are staged (standard output and discarded ones excluded).
    package var stagedCount: Int { targets.count }

    /// Writes `bytes` for `path` into a temporary file beside it; nothing is renamed yet.
    ///
    /// Content equal to the target's is not staged again (only a differing mode
    /// is remembered). Staging the same target twice is an error.
    package func stage(_ bytes: [UInt8], to path: String, mode: UInt16 = 0o600) throws(FileWriteError) {
        precondition(!finished, "stage after commit or abort")
        if path == "-" {
            standardOutput.append(bytes)
            return
        }
        try StagedFile.checkMode(mode, path: path)
        let target = try place(path)
        let key = target.folders + [target.name]
        guard targets[key] == nil else {
            throw FileWriteError(
                code: .duplicateTarget, path: path, reason: "two outputs write this same file",
                hint: "give each output its own path")
        }
        let folder = try folderDescriptor(for: target, create: true).fd
        let action: Action
        switch try StagedFile.stage(bytes, folder: folder, target: target, mode: mode, syncNow: false) {
        case .unchanged(let modeDiffers): action = modeDiffers ? .chmod : .nothing
        case .temporary(let name): action = .rename(temporary: name)
        }
        targets[key] = entries.count
        entries.append(Entry(target: target, mode: mode, action: action))
    }

    /// `path` confined to the root: a plain file name in the same folder as
    /// the last path reuses that folder's normalised components.
    private func place(_ path: String) throws(FileWriteError) -> ConfinedPath {
        // Only a plain last component leaves the folders alone (`..` would pop one).
        var split: (folder: Substring, name: Substring)?
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            let name = path[path.index(after: slash)...]
            if !name.isEmpty, name != ".", name != ".." { split = (path[..<slash], name) }
        }
        if let split, let last = lastFolder, split.folder == last.text {
            return ConfinedPath(folders: last.folders, name: String(split.name), display: path)
        }
        let target = try ConfinedPath(path, root: root, rootComponents: .some(rootComponents))
        if let split { lastFolder = (split.folder, target.folders) }
        return target
    }

    /// Takes back what ``stage(_:to:mode:)`` staged for `path`: its temporary
    /// file is removed, the target keeps its content, commit reports nothing
    /// for it, and the path may be staged again. Not for standard output.
    package func discard(_ path: String) {
        precondition(!finished, "discard after commit or abort")
        guard path != "-", let target = try? ConfinedPath(path, root: root, rootComponents: .some(rootComponents)),
            let index = targets.removeValue(forKey: target.folders + [target.name])
        else { return }
        if case .rename(let temporary) = entries[index].action,
            let folder = try? folderDescriptor(for: entries[index].target, create: false)
        {
            unlinkat(folder.fd, temporary, 0)
        }
        entries[index].action = .discarded
    }

    /// Makes every staged file durable and visible; returns what happened to each, in staging order.
    ///
    /// On failure the remaining temporary files are removed and the first error is thrown.
    @discardableResult
    package func commit() throws(FileWriteError) -> [WriteOutcome] {
        precondition(!finished, "commit after commit or abort")
        finished = true
        var outcomes: [WriteOutcome] = []
        outcomes.reserveCapacity(entries.count + standardOutput.count)
        do throws(FileWriteError) {
            try syncTemporaryFiles()
            var touched: Set<String> = []
            for index in entries.indices {
                let entry = entries[index]
                switch entry.action {
                case .rename(let temporary):
                    let folder = try folderDescriptor(for: entry.target, create: false).fd
                    try StagedFile.rename(temporary, folder: folder, target: entry.target)
                    entries[index].action = .nothing
                    touched.insert(entry.target.folderKey)
                    outcomes.append(.written)
                case .chmod:
                    let folder = try folderDescriptor(for: entry.target, create: false).fd
                    try StagedFile.applyMode(entry.mode, folder: folder, target: entry.target)
                    outcomes.append(.modeChanged)
                case .nothing:
                    outcomes.append(.unchanged)
                case .discarded:
                    continue
                }
            }
            for entry in entries where touched.remove(entry.target.folderKey) != nil {
                let folder = try folderDescriptor(for: entry.target, create: false).fd
                try SystemCalls.fsyncOrThrow(folder, path: entry.target.display)
            }
            for bytes in standardOutput {
                try StandardOutput.write(bytes)
                outcomes.append(.standardOutput)
            }
        } catch {
            removeTemporaryFiles()
            closeFolders()
            throw error
        }
        closeFolders()
        return outcomes
    }

    /// Removes every temporary file; no target is touched and nothing goes to standard output.
    package func abort() {
        finished = true
        removeTemporaryFiles()
        closeFolders()
        standardOutput.removeAll()
    }

    /// One `syncfs` per file system holding staged files; one `fsync` per file where `syncfs` is missing.
    private func syncTemporaryFiles() throws(FileWriteError) {
        var synced: Set<UInt64> = []
        for entry in entries {
            guard case .rename(let temporary) = entry.action else { continue }
            let folder = try folderDescriptor(for: entry.target, create: false)
            guard !synced.contains(UInt64(folder.device)) else { continue }
            fileSyncCalls += 1
            if try SystemCalls.syncFileSystem(folder.fd, path: entry.target.display) {
                synced.insert(UInt64(folder.device))
            } else {
                let fd = SystemCalls.openAt(folder.fd, temporary, O_RDONLY | O_NOFOLLOW)
                guard fd >= 0 else { throw SystemCalls.failure("opening a temporary file", errno, path: entry.target.display) }
                defer { close(fd) }
                try SystemCalls.fsyncOrThrow(fd, path: entry.target.display)
            }
        }
    }

    private func removeTemporaryFiles() {
        for index in entries.indices {
            guard case .rename(let temporary) = entries[index].action else { continue }
            if let folder = try? folderDescriptor(for: entries[index].target, create: false) {
                unlinkat(folder.fd, temporary, 0)
            }
            entries[index].action = .nothing
        }
    }

    private func folderDescriptor(for target: ConfinedPath, create: Bool) throws(FileWriteError) -> (fd: Int32, device: dev_t) {
        let key = target.folderKey
        if let open = folders[key] { return open }
        if folders.count >= Self.maximumOpenFolders { closeFolders() }
        let fd = try FolderWalker.open(root: root, target: target, create: create)
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw SystemCalls.failure("stat of the folder", code, path: target.display)
        }
        folders[key] = (fd, info.st_dev)
        return (fd, info.st_dev)
    }

    private func closeFolders() {
        for folder in folders.values { close(folder.fd) }
        folders.removeAll()
    }
}
