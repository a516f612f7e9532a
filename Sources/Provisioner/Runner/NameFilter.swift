/// The `--only` selection: client names and shell-style globs (`*`, `?`).
package struct NameFilter: Sendable, Hashable {
    /// The patterns, as given (comma-separated on the command line).
    package let patterns: [String]

    /// Creates a filter from patterns; an empty list selects everything.
    package init(patterns: [String]) {
        self.patterns = patterns.filter { !$0.isEmpty }
    }

    /// Parses `--only NAME,GLOB,...`.
    package init(parsing text: String) {
        self.init(patterns: text.split(separator: ",").map { String($0).trimmingSpaces() })
    }

    /// Whether `name` is selected.
    package func matches(_ name: String) -> Bool {
        patterns.isEmpty || patterns.contains { Self.glob($0, matches: name) }
    }

    /// The patterns that selected nothing among `names`, to warn about typos.
    package func unmatchedPatterns(in names: [String]) -> [String] {
        patterns.filter { pattern in !names.contains { Self.glob(pattern, matches: $0) } }
    }

    /// One message per pattern that selects nothing among `names`, with a
    /// "did you mean" hint for a near miss: a typo in `--only` is a usage error.
    package func unmatchedPatternMessages(in names: [String]) -> [String] {
        unmatchedPatterns(in: names).map { pattern in
            "--only pattern `\(pattern)` matches no client in the manifest\(Suggestions.hint(for: pattern, among: names))"
        }
    }

    /// Iterative glob matching with backtracking on the last `*`; linear in practice.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let n = Array(name.unicodeScalars)
        var pi = 0, ni = 0
        var star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] == "?" || p[pi] == n[ni] {
                pi += 1; ni += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ni; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
