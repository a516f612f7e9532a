import YAMLKit

/// `*_file` keys: resolution against the manifest folder and file checks.
extension FileDecoder {
    /// What a referenced file holds, for the permission check.
    enum FileKind {
        /// A client secret or private key: loose permissions earn a warning.
        case sensitive
        /// A certificate or CA bundle: package material.
        case publicMaterial
    }

    /// The absolute path a `*_file` value names, after checking it is a readable
    /// regular file; nil (after an error) otherwise. A secret or key file is
    /// only checked to be a path when secrets are not resolved (``resolvesSecrets``):
    /// nil then, without an error, and nothing is read.
    func filePath(_ node: Node, key: String, path: @autoclosure () -> String, kind: FileKind) -> (path: String, text: ScalarText)? {
        guard let text = string(node, key: key, path: path()) else { return nil }
        if kind == .sensitive, !resolvesSecrets { return nil }
        let resolved = PathResolution.resolve(text.value, against: directory)
        let shown = "`\(Self.clipPath(text.value))`"
        let lookedFor = text.value.hasPrefix("/") ? "" : " (looked for \(resolved))"
        switch inspector.status(resolved) {
        case .missing:
            error("\(shown) does not exist\(lookedFor)", at: text.mark, path: path())
            return nil
        case .directory:
            error("\(shown) is a folder; `\(key)` must name a file", at: text.mark, path: path())
            return nil
        case .notRegular:
            error("\(shown) is not a regular file", at: text.mark, path: path())
            return nil
        case .unreadable:
            error(
                "\(shown) cannot be read (permission denied); make it readable by the user tokensmith runs as (owned by it, mode 0600)",
                at: text.mark, path: path())
            return nil
        case .regular(let mode, let size):
            if size > FileInspector.maximumSize {
                error(
                    "\(shown) is \(size) bytes, larger than the \(FileInspector.maximumSize)-byte limit for `\(key)`", at: text.mark,
                    path: path())
                return nil
            }
            if kind == .sensitive, mode & 0o044 != 0, !inspector.permissionWarned.contains(resolved) {
                inspector.permissionWarned.insert(resolved)
                warning(
                    "\(shown) is readable by group or others (mode \(Self.octal(mode))); restrict it with `chmod 600`",
                    at: text.mark, path: path()
                )
            }
            return (resolved, text)
        }
    }

    /// `0644`.
    static func octal(_ mode: UInt16) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
