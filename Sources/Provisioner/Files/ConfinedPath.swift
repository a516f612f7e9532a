#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A target path split into folder components and a file name, proven by
/// lexical normalisation not to leave the output root through `..`.
///
/// Symbolic links are checked later, while walking the folders with
/// `O_NOFOLLOW`, because only the file system knows them.
struct ConfinedPath: Hashable {
    /// Folders below the root, outermost first.
    var folders: [String]
    /// The file name in the last folder.
    var name: String
    /// The path as the caller wrote it, for messages.
    var display: String

    /// The folder part as one key, for grouping files by folder.
    var folderKey: String { folders.joined(separator: "/") }

    /// A path already split: `folders` normalised, `name` a plain file name.
    init(folders: [String], name: String, display: String) {
        self.folders = folders
        self.name = name
        self.display = display
    }

    /// Splits `path` (relative to `root`, or absolute inside it) and resolves `.` and `..`.
    ///
    /// `rootComponents` is `normalise(root)` when the caller already has it
    /// (a transaction places thousands of files under one root).
    init(_ path: String, root: String, rootComponents: [String]?? = nil) throws(FileWriteError) {
        display = path
        let components: [String]?
        if path.hasPrefix("/") {
            let rootComponents = rootComponents ?? ConfinedPath.normalise(root)
            let pathComponents = ConfinedPath.normalise(path)
            guard let rootComponents, let pathComponents,
                pathComponents.count > rootComponents.count,
                pathComponents.starts(with: rootComponents)
            else {
                throw FileWriteError(
                    code: .escapesRoot, path: path, reason: "the path is outside the output root \(root)",
                    hint: "write outputs below the output root, or run with that folder as the root")
            }
            // Already normalised: what follows the root is the relative path's components.
            components = Array(pathComponents.dropFirst(rootComponents.count))
        } else {
            components = ConfinedPath.normalise(path)
        }
        guard let components else {
            throw FileWriteError(
                code: .escapesRoot, path: path, reason: "`..` leads out of the output root \(root)",
                hint: "remove the `..` so the path stays below the output root")
        }
        guard let last = components.last else {
            throw FileWriteError(
                code: .notRegularFile, path: path, reason: "the path names the output root folder itself, not a file",
                hint: "give a file name")
        }
        folders = Array(components.dropLast())
        name = last
    }

    /// Components with `.` and empty parts dropped and `..` applied; nil when
    /// `..` would go above the start. An absolute root is normalised the same way.
    static func normalise(_ path: String) -> [String]? {
        // Split on bytes: comparing each component with "." and ".." as
        // strings was most of the cost of placing 10,000 files.
        let dot = UInt8(ascii: ".")
        var result: [String] = []
        for part in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            let count = part.count
            if count == 1, part.first == dot { continue }
            if count == 2, part.first == dot, part.last == dot {
                if result.isEmpty { return nil }
                result.removeLast()
                continue
            }
            result.append(String(Substring(part)))
        }
        return result
    }
}

/// Opens folders below a root one component at a time, never following a
/// symbolic link, creating missing folders with mode `0700`.
///
/// Holding each folder's descriptor and doing every later step with `*at()`
/// calls relative to it means a folder swapped for a link after the check
/// cannot redirect the write.
enum FolderWalker {
    /// Opens the folder of `target` and returns its descriptor (caller closes it).
    static func open(root: String, target: ConfinedPath, create: Bool) throws(FileWriteError) -> Int32 {
        var current = SystemCalls.openAt(AT_FDCWD, root, O_RDONLY | O_DIRECTORY)
        if current < 0 {
            let code = errno
            if code == ENOENT, create {
                // The root itself is trusted configuration; create it like any other folder.
                try createRoot(root, path: target.display)
                current = SystemCalls.openAt(AT_FDCWD, root, O_RDONLY | O_DIRECTORY)
            }
            if current < 0 {
                throw SystemCalls.failure("opening the output root \(root)", errno, path: target.display)
            }
        }
        var walked: [String] = []
        for folder in target.folders {
            walked.append(folder)
            let next: Int32
            do {
                next = try openChild(current, folder, walked: walked, create: create, target: target)
            } catch {
                close(current)
                throw error
            }
            close(current)
            current = next
        }
        return current
    }

    private static func openChild(_ parent: Int32, _ name: String, walked: [String], create: Bool, target: ConfinedPath)
        throws(FileWriteError) -> Int32
    {
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW
        var fd = SystemCalls.openAt(parent, name, flags)
        if fd >= 0 { return fd }
        var code = errno
        if code == ENOENT, create {
            if mkdirat(parent, name, 0o700) == 0 {
                fd = SystemCalls.openAt(parent, name, flags)
                if fd >= 0 {
                    // Exactly 0700 whatever the umask: the folder holds credentials.
                    _ = fchmod(fd, 0o700)
                    return fd
                }
                code = errno
            } else if errno == EEXIST {
                fd = SystemCalls.openAt(parent, name, flags)
                if fd >= 0 { return fd }
                code = errno
            } else {
                code = errno
            }
        }
        let shown = walked.joined(separator: "/")
        if code == ELOOP || code == ENOTDIR {
            if let info = try? SystemCalls.lstatAt(parent, name, path: target.display), SystemCalls.kind(info) == S_IFLNK {
                throw FileWriteError(
                    code: .symbolicLink, path: target.display,
                    reason: "the folder \(shown) is a symbolic link, which could lead out of the output root",
                    hint: "replace the link with a real folder, or point the output at the link's target inside the root")
            }
            throw FileWriteError(
                code: .notRegularFile, path: target.display, reason: "\(shown) is not a folder",
                hint: "remove or rename it, or choose another output path")
        }
        throw SystemCalls.failure("opening the folder \(shown)", code, path: target.display)
    }

    private static func createRoot(_ root: String, path: String) throws(FileWriteError) {
        var prefix = root.hasPrefix("/") ? "" : "."
        for part in root.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw SystemCalls.failure("creating the output root \(root)", errno, path: path)
            }
        }
    }
}
