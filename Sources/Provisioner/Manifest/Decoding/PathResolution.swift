/// Lexical path helpers: join, normalise `.`/`..`, test containment.
///
/// Lexical on purpose: validation must not depend on what exists yet (output
/// folders are created later); symlink escapes are the file writer's check.
enum PathResolution {
    /// `path` made absolute against `base` (itself absolute) and normalised.
    static func resolve(_ path: String, against base: String) -> String {
        if !path.hasPrefix("/"), base.hasPrefix("/"), isPlainRelative(path) {
            return base == "/" ? "/" + path : base + "/" + path
        }
        return normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Whether `path` has no empty, `.` or `..` component, so joining needs no normalising
    /// (the common case, checked without allocating).
    private static func isPlainRelative(_ path: String) -> Bool {
        var componentLength = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if componentLength == 0 || componentLength == dots { return false }
                componentLength = 0
                dots = 0
            } else {
                componentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return componentLength > 0 && componentLength != dots
    }

    /// Collapses `//`, `.` and `..` in an absolute path; `..` never climbs above `/`.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether `path` (normalised, absolute) is `root` or inside it.
    static func isInside(_ path: String, root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    /// The folder part of an absolute path.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
