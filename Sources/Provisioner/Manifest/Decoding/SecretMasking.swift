import YAMLKit

/// Hides credentials in the source lines diagnostics show, by the rules of
/// ``CredentialKeys``: values under credential-like keys anywhere and every
/// non-public value inside an `auth` mapping, whether or not the decoder ever
/// reached them (a misspelt key, a file that failed to decode, a line that does
/// not even parse as YAML).
enum SecretMasking {
    /// A span for every value the rules hide, when the file parses.
    static func spans(in source: ManifestSource) -> [SecretSpan] {
        guard let documents = try? YAMLParser().parse(bytes: source.bytes, file: source.path) else { return [] }
        var spans: [SecretSpan] = []
        func hide(_ node: Node) {
            switch node {
            case .scalar(let scalar):
                let lines = scalar.endMark.line - scalar.mark.line + 1
                spans.append(SecretSpan(file: source.path, line: scalar.mark.line, column: scalar.mark.column, lineCount: max(lines, 1)))
            case .mapping(let mapping):
                for pair in mapping.pairs {
                    hide(pair.key)
                    hide(pair.value)
                }
            case .sequence(let sequence):
                sequence.items.forEach(hide)
            }
        }
        func walk(_ node: Node, parentKey: String?, insideAuth: Bool) {
            switch node {
            case .mapping(let mapping):
                for pair in mapping.pairs {
                    guard let key = pair.key.scalar?.value else {
                        hide(pair.key)
                        hide(pair.value)
                        continue
                    }
                    switch CredentialKeys.role(of: key, parentKey: parentKey, insideAuth: insideAuth) {
                    case .secret:
                        // In `auth`, a key without a value may itself be the secret (`{method: …, s3cr3t}`).
                        if insideAuth, pair.value.scalar?.isNull == true { hide(pair.key) }
                        hide(pair.value)
                    case .auth:
                        walk(pair.value, parentKey: key, insideAuth: true)
                    case .plain:
                        // A package key's value, even inside `auth` (`method`, `kid`, the `*_file` paths).
                        walk(pair.value, parentKey: key, insideAuth: false)
                    }
                }
            case .sequence(let sequence):
                for item in sequence.items { walk(item, parentKey: parentKey, insideAuth: insideAuth) }
            case .scalar:
                if insideAuth { hide(node) }
            }
        }
        for document in documents { walk(document, parentKey: nil, insideAuth: false) }
        return spans
    }

    /// Line `number` of `source` (or `line`, its text as a diagnostic holds
    /// it) with credentials hidden by reading the text alone: after a
    /// credential-like `key:`, after non-public keys of an `auth: {…}` on the
    /// line, and the values of a line whose parent keys (by indentation) are
    /// credential-like or `auth`. The fallback for files that do not parse.
    static func maskLexically(_ line: String, number: Int, in source: SourceText?) -> String {
        let ancestry = source.map { ancestorRole(of: number, in: $0) } ?? .plain
        return maskLine(line, inherited: ancestry)
    }

    /// Hides what follows the keys of one line, given the role its parents give it.
    static func maskLine(_ line: String, inherited: CredentialKeys.Role) -> String {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" || scalars[index] == "-" { index += 1 }
        if inherited == .secret { return redacted(scalars, from: index) }
        var insideAuth = inherited == .auth
        var itemStart = index
        var itemHasKey = false
        var flowDepth = 0
        /// Whether a `{` or `[` at `position` opens a flow collection: it starts
        /// a value or an item, rather than sitting inside text (`${VAR}`).
        func opensFlow(_ position: Int) -> Bool {
            var before = position - 1
            while before >= 0, scalars[before] == " " || scalars[before] == "\t" { before -= 1 }
            return before < itemStart || ":,{[".unicodeScalars.contains(scalars[before])
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "#", index == 0 || scalars[index - 1] == " " { return line }
            if scalar == "\"" || scalar == "'", opensFlow(index) {
                // A quoted key or value: its braces and commas are text.
                index = closingQuote(scalars, from: index) + 1
                continue
            }
            if scalar == ":", index + 1 == scalars.count || " \t{[".unicodeScalars.contains(scalars[index + 1]) {
                let key = keyText(scalars[itemStart..<index])
                switch CredentialKeys.role(of: key, parentKey: nil, insideAuth: insideAuth) {
                case .secret:
                    return redacted(scalars, from: index + 1, keeping: true)
                case .auth:
                    insideAuth = true
                case .plain:
                    break
                }
                itemStart = index + 1
                itemHasKey = true
            } else if ("{[".unicodeScalars.contains(scalar) && opensFlow(index)) || ("},]".unicodeScalars.contains(scalar) && flowDepth > 0)
            {
                // A bare item of a flow `auth` mapping (`{method: x, s3cr3t}`) may be the secret.
                if insideAuth, !itemHasKey, !keyText(scalars[itemStart..<index]).isEmpty {
                    return redacted(scalars, from: itemStart)
                }
                if scalar == "{" || scalar == "[" { flowDepth += 1 } else if scalar != "," { flowDepth -= 1 }
                itemStart = index + 1
                itemHasKey = false
            }
            index += 1
        }
        if insideAuth, !itemHasKey, !keyText(scalars[itemStart..<scalars.count]).isEmpty {
            // Under `auth`, text that is no key's value: a continuation line, an item, a bare key.
            return redacted(scalars, from: itemStart)
        }
        return line
    }

    /// The role the keys of the lines above `number` that hold it (the nearest
    /// less-indented ones, in turn) give it: under `auth`, or inside a value
    /// that is a secret (the continuation of a multi-line scalar).
    static func ancestorRole(of number: Int, in source: SourceText) -> CredentialKeys.Role {
        guard let text = source.line(number) else { return .plain }
        var threshold = indentation(Array(text.unicodeScalars))
        var ancestors: [String] = []
        var current = number
        while threshold > 0 {
            // Lines indented at least as deep are skipped without decoding them.
            guard let next = source.nearestLine(above: current, indentedLessThan: threshold) else { break }
            current = next
            guard let above = source.line(current) else { continue }
            let scalars = Array(above.unicodeScalars)
            let content = firstContent(scalars)
            guard content < scalars.count, scalars[content] != "#" else { continue }
            let indent = indentation(scalars)
            guard indent < threshold else { continue }
            threshold = indent
            if let colon = keyColon(scalars, from: content) { ancestors.append(keyText(scalars[content..<colon])) }
        }
        var insideAuth = false
        var parent: String?
        for key in ancestors.reversed() {
            switch CredentialKeys.role(of: key, parentKey: parent, insideAuth: insideAuth) {
            case .secret: return .secret
            case .auth: insideAuth = true
            case .plain: insideAuth = false
            }
            parent = key
        }
        return insideAuth ? .auth : .plain
    }

    /// The position of the quote closing the one at `start` (`\"` escaped in
    /// double quotes, `''` in single ones), or the line's end.
    private static func closingQuote(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        let quote = scalars[start]
        var index = start + 1
        while index < scalars.count {
            if quote == "\"", scalars[index] == "\\" {
                index += 2
                continue
            }
            if scalars[index] == quote {
                if quote == "'", index + 1 < scalars.count, scalars[index + 1] == "'" {
                    index += 2
                    continue
                }
                return index
            }
            index += 1
        }
        return scalars.count
    }

    private static func indentation(_ scalars: [Unicode.Scalar]) -> Int {
        var count = 0
        while count < scalars.count, scalars[count] == " " || scalars[count] == "-" { count += 1 }
        return count
    }

    private static func firstContent(_ scalars: [Unicode.Scalar]) -> Int {
        var index = 0
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" || scalars[index] == "-" { index += 1 }
        return index
    }

    /// The position of the `:` ending a block key that starts at `start`.
    private static func keyColon(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index < scalars.count {
            if scalars[index] == ":", index + 1 == scalars.count || scalars[index + 1] == " " || scalars[index + 1] == "\t" { return index }
            index += 1
        }
        return nil
    }

    /// A key's text without surrounding blanks, quotes, braces or list dashes.
    private static func keyText(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        let trimmed = scalars.drop { " \t{,[-\"'".unicodeScalars.contains($0) }
        var text = String(String.UnicodeScalarView(trimmed))
        while let last = text.unicodeScalars.last, " \t\"'".unicodeScalars.contains(last) { text.unicodeScalars.removeLast() }
        return text
    }

    private static func redacted(_ scalars: [Unicode.Scalar], from index: Int, keeping separator: Bool = false) -> String {
        let kept = String(String.UnicodeScalarView(scalars[..<min(index, scalars.count)]))
        return separator ? kept + " <redacted>" : kept + "<redacted>"
    }
}
