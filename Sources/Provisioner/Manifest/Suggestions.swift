/// "Did you mean …?" hints from edit distance.
enum Suggestions {
    /// The closest candidate to `word`, if it is close enough to be a likely typo.
    ///
    /// Close enough: at most a third of the word's length in edits (at least 1,
    /// at most 3), or the candidate differs only in case, `-`/`_` or plural `s`.
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let lowered = normalized(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            if normalized(candidate) == lowered { return candidate }
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = min(3, max(1, word.count / 3))
        return best.distance <= limit ? best.candidate : nil
    }

    /// ` did you mean `x`?` or the empty string, for appending to a message.
    static func hint(for word: String, among candidates: some Sequence<String>) -> String {
        closest(to: word, among: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }

    private static func normalized(_ word: String) -> String {
        var text = word.lowercased().replacingDashes()
        if text.hasSuffix("s") { text.removeLast() }
        return text
    }

    /// Levenshtein distance with transpositions counted as one edit (optimal string alignment).
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.unicodeScalars)
        let b = Array(rhs.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}

private extension String {
    func replacingDashes() -> String {
        String(unicodeScalars.map { $0 == "-" ? "_" : Character($0) })
    }
}
