import YAMLKit

/// Finds `secret` values the decoder never reached, so no diagnostic's source
/// line shows them: a `secret` under a misspelt `auth`, in a file that failed
/// to decode, or on a line that does not even parse as YAML.
enum SecretMasking {
    /// A span for every `secret: <scalar>` pair anywhere in the file, when it parses.
    static func spans(in source: ManifestSource) -> [SecretSpan] {
        guard let documents = try? YAMLParser().parse(bytes: source.bytes, file: source.path) else { return [] }
        var spans: [SecretSpan] = []
        func walk(_ node: Node) {
            switch node {
            case .mapping(let mapping):
                for pair in mapping.pairs {
                    if pair.key.scalar?.value == "secret", let scalar = pair.value.scalar {
                        let lines = scalar.endMark.line - scalar.mark.line + 1
                        spans.append(SecretSpan(file: source.path, line: scalar.mark.line, column: scalar.mark.column, lineCount: max(lines, 1)))
                    } else {
                        walk(pair.value)
                    }
                }
            case .sequence(let sequence):
                sequence.items.forEach(walk)
            case .scalar:
                break
            }
        }
        documents.forEach(walk)
        return spans
    }

    /// `line` with whatever follows a `secret:` key replaced by `<redacted>`.
    static func maskInline(_ line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        let key = Array("secret".unicodeScalars)
        var index = 0
        while index + key.count <= scalars.count {
            defer { index += 1 }
            guard Array(scalars[index..<(index + key.count)]) == key else { continue }
            if index > 0, !" \t{,\"'-".unicodeScalars.contains(scalars[index - 1]) { continue }
            var cursor = index + key.count
            if cursor < scalars.count, scalars[cursor] == "\"" || scalars[cursor] == "'" { cursor += 1 }
            while cursor < scalars.count, scalars[cursor] == " " || scalars[cursor] == "\t" { cursor += 1 }
            guard cursor < scalars.count, scalars[cursor] == ":" else { continue }
            cursor += 1
            guard cursor == scalars.count || scalars[cursor] == " " || scalars[cursor] == "\t" else { continue }
            let kept = String(String.UnicodeScalarView(scalars[..<cursor]))
            return cursor == scalars.count ? kept : kept + " <redacted>"
        }
        return line
    }
}
