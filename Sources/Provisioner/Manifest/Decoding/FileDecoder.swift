import Foundation
import OAuthClient
import YAMLKit

/// Turns one manifest file's nodes into a ``ManifestFragment`` (clients one by
/// one as the parser streams them, then the rest of the tree), reporting
/// every problem it finds instead of stopping at the first.
final class FileDecoder {
    let file: String
    let directory: String
    let outputRoot: String
    /// The manifest file's permission bits, when it came from disk.
    let manifestMode: UInt16?
    let environment: [String: String]
    let inspector: FileInspector
    var diagnostics: [Diagnostic] = []
    /// Source lines holding a `secret` value, from its column on: masked in caret displays.
    var secretSpans: [SecretSpan] = []
    /// False for `validate --no-secrets`: `${VAR}` references in secrets need
    /// not be set, and secret and key files need not exist (shape only).
    var resolvesSecrets = true
    /// Clients decoded while the parser streamed the `clients` list.
    var streamedClients: [ClientDraft] = []

    init(
        file: String, directory: String, outputRoot: String, manifestMode: UInt16?, environment: [String: String], inspector: FileInspector
    ) {
        self.file = file
        self.directory = directory
        self.outputRoot = outputRoot
        self.manifestMode = manifestMode
        self.environment = environment
        self.inspector = inspector
    }

    // MARK: Reporting

    func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    func error(_ message: String, at mark: Mark, path: @autoclosure () -> String, notes: [String] = []) {
        diagnostics.append(Diagnostic(.error, message, at: location(mark), keyPath: path(), notes: notes))
    }

    func warning(_ message: String, at mark: Mark, path: @autoclosure () -> String, notes: [String] = []) {
        diagnostics.append(Diagnostic(.warning, message, at: location(mark), keyPath: path(), notes: notes))
    }

    // MARK: Structure

    /// The mapping in `node`, or an error naming `key` and what it holds instead.
    func mapping(_ node: Node, key: String, path: @autoclosure () -> String) -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        error("`\(key)` must be a mapping, not \(node.kindDescription)", at: node.mark, path: path())
        return nil
    }

    /// The pairs of `mapping` by key text; unknown keys are reported with a suggestion.
    ///
    /// - Parameters:
    ///   - allowed: the keys this mapping may hold.
    ///   - context: where, for messages: "in a client", "in `auth`".
    ///   - extensionPrefix: keys starting with it are ignored (`x-` at the top level, for anchors).
    ///   - holdsCredentials: an unknown key without a value is not quoted (in `auth`, it may be the secret itself).
    func fields(
        of mapping: Node.Mapping, allowed: [String], path: @autoclosure () -> String, context: String, extensionPrefix: String? = nil,
        holdsCredentials: Bool = false
    ) -> FieldSet {
        var result = FieldSet()
        result.reserveCapacity(mapping.pairs.count)
        for pair in mapping.pairs {
            guard let key = pair.key.scalar?.value else {
                error("keys must be plain strings, not \(pair.key.kindDescription)", at: pair.key.mark, path: path())
                continue
            }
            if allowed.contains(key) {
                result.append(key, pair)
            } else if let extensionPrefix, key.hasPrefix(extensionPrefix) {
                continue
            } else if holdsCredentials, pair.value.scalar?.isNull == true {
                error(
                    "a key without a value \(context) (not shown: it may be a secret); write the secret as `secret: …` or use `secret_file`",
                    at: pair.key.mark, path: path()
                )
            } else {
                error(
                    "unknown key `\(key)` \(context)\(Self.unknownKeyHint(key, allowed: allowed))",
                    at: pair.key.mark, path: path().isEmpty ? key : "\(path()).\(key)"
                )
            }
        }
        return result
    }

    /// "; did you mean `x`?" for a near miss; for a credential-like key, where a secret goes.
    static func unknownKeyHint(_ key: String, allowed: [String]) -> String {
        let hint = Suggestions.hint(for: key, among: allowed)
        guard hint.isEmpty, CredentialKeys.looksLikeCredential(key) else { return hint }
        if allowed.contains("secret") { return "; did you mean `\(CredentialKeys.suggestion(for: key))`?" }
        if allowed.contains("auth") { return "; a client's secret goes under `auth`, as `secret` or `secret_file`" }
        return hint
    }

    // MARK: Scalars

    /// The scalar in `node` with `${…}` expanded; nil (after an error) for
    /// collections and for scalars whose expansion failed. A `secret`,
    /// `secret_file` or `key_file` whose variables are unset passes when
    /// secrets are not resolved (``resolvesSecrets``).
    func scalar(_ node: Node, key: String, path: @autoclosure () -> String, expected: String = "a string") -> ScalarText? {
        guard let scalar = node.scalar else {
            error("`\(key)` must be \(expected), not \(node.kindDescription)", at: node.mark, path: path())
            return nil
        }
        // Secret and key file paths are not read then either (FileDecoder+Files).
        let placeholder = !resolvesSecrets && ["secret", "secret_file", "key_file"].contains(key) ? "unresolved-secret" : nil
        let expansion = EnvExpansion.expand(scalar.value, environment: environment, unsetPlaceholder: placeholder)
        guard expansion.problems.isEmpty else {
            for problem in expansion.problems {
                error(problem.message, at: mark(of: problem.offset, in: scalar), path: path())
            }
            return nil
        }
        let resolved: ResolvedScalar
        if expansion.referencesEnvironment, scalar.style == .plain, scalar.tag == nil {
            resolved = ScalarResolver.coreSchema(expansion.value)
        } else {
            resolved = scalar.resolved
        }
        return ScalarText(
            value: expansion.value, mark: scalar.mark, resolved: resolved, referencesEnvironment: expansion.referencesEnvironment)
    }

    /// The mark of the `$` at `offset` in a one-line scalar; the scalar's own mark otherwise.
    private func mark(of offset: Int, in scalar: Node.Scalar) -> Mark {
        guard !scalar.value.contains("\n") else { return scalar.mark }
        switch scalar.style {
        case .plain: return Mark(line: scalar.mark.line, column: scalar.mark.column + offset)
        case .singleQuoted, .doubleQuoted: return Mark(line: scalar.mark.line, column: scalar.mark.column + 1 + offset)
        default: return scalar.mark
        }
    }

    /// A non-empty string; numbers are taken as their text (`client_id: 12345`).
    func string(_ node: Node, key: String, path: @autoclosure () -> String, allowEmpty: Bool = false) -> ScalarText? {
        guard let text = scalar(node, key: key, path: path()) else { return nil }
        if text.resolved == .null || (!allowEmpty && text.value.isEmpty) {
            error("`\(key)` must not be empty", at: node.mark, path: path())
            return nil
        }
        return text
    }

    /// A duration like `10s`.
    func duration(_ node: Node, key: String, path: @autoclosure () -> String, allowZero: Bool = false) -> Duration? {
        guard let text = scalar(node, key: key, path: path(), expected: "a duration like 10s, 250ms or 5m") else { return nil }
        guard let duration = DurationText.parse(text.value) else {
            let shown = text.value.isEmpty ? "an empty value" : "`\(Self.clip(text.value))`"
            error("expected a duration like 10s, 250ms or 5m for `\(key)`, not \(shown)", at: text.mark, path: path())
            return nil
        }
        if !allowZero, duration == .zero {
            error("`\(key)` must be longer than 0s", at: text.mark, path: path())
            return nil
        }
        return duration
    }

    /// An integer ≥ `minimum`.
    func integer(_ node: Node, key: String, path: @autoclosure () -> String, minimum: Int) -> Int? {
        guard let text = scalar(node, key: key, path: path(), expected: "an integer") else { return nil }
        guard text.resolved == .int, let value = Int(text.value), value >= minimum else {
            error("`\(key)` must be an integer ≥ \(minimum), not `\(Self.clip(text.value))`", at: text.mark, path: path())
            return nil
        }
        return value
    }

    /// `true` or `false`.
    func bool(_ node: Node, key: String, path: @autoclosure () -> String) -> Bool? {
        guard let text = scalar(node, key: key, path: path(), expected: "true or false") else { return nil }
        guard case .bool(let value) = text.resolved else {
            error("`\(key)` must be true or false, not `\(Self.clip(text.value))`", at: text.mark, path: path())
            return nil
        }
        return value
    }

    /// One of a fixed set of words, with a suggestion for near misses.
    func choice<Value: RawRepresentable & CaseIterable>(
        _ node: Node, key: String, path: @autoclosure () -> String, as type: Value.Type
    ) -> Value? where Value.RawValue == String {
        guard let text = string(node, key: key, path: path()) else { return nil }
        if let value = Value(rawValue: text.value) { return value }
        error(Self.unknownChoice("unknown \(key)", text.value, among: Value.allCases.map(\.rawValue)), at: text.mark, path: path())
        return nil
    }

    /// "unknown flavor `x`; did you mean `shell`?", or "…; use one of a, b, c" without a close match.
    static func unknownChoice(_ what: String, _ value: String, among names: [String]) -> String {
        if let suggestion = Suggestions.closest(to: value, among: names) {
            return "\(what) `\(clip(value))`; did you mean `\(suggestion)`?"
        }
        return "\(what) `\(clip(value))`; use one of \(names.joined(separator: ", "))"
    }

    /// A string or a list of strings, as (text, mark) items.
    func stringList(_ node: Node, key: String, path: @autoclosure () -> String) -> [ScalarText]? {
        if let sequence = node.sequence {
            var items: [ScalarText] = []
            for (index, item) in sequence.items.enumerated() {
                if let text = string(item, key: key, path: "\(path())[\(index)]") { items.append(text) }
            }
            return items
        }
        return string(node, key: key, path: path()).map { [$0] }
    }

    /// A value short enough to quote in a message.
    static func clip(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    /// A path short enough to quote in a message, cut in the middle so the
    /// file name stays (`/var/lib/…/credentials/billing-secret`).
    static func clipPath(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(20)) + "…" + String(text.suffix(39)) : text
    }

    // MARK: Names and URLs

    /// The rule for client and issuer names, as a pattern for the schema: ``isValidName`` checks it.
    static let namePattern = "^(?!.*\\.\\.)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$"
    /// The longest client or issuer name.
    static let maxNameLength = 253

    /// ``namePattern``: `[a-z0-9]([a-z0-9._-]*[a-z0-9])?` without `..`, at most ``maxNameLength``.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= maxNameLength else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }
        guard alphanumeric(first), alphanumeric(last) else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            guard alphanumeric(byte) || byte == 0x2E || byte == 0x5F || byte == 0x2D else { return false }
            if byte == 0x2E && previous == 0x2E { return false }
            previous = byte
        }
        return true
    }

    /// Reports an invalid client or issuer name.
    func checkName(_ text: ScalarText, what: String, path: @autoclosure () -> String) -> Bool {
        guard !Self.isValidName(text.value) else { return true }
        let reason =
            text.value.contains("..")
            ? "`..` is not allowed"
            : "use lower-case letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit"
        error("invalid \(what) name `\(Self.clip(text.value))`: \(reason)", at: text.mark, path: path())
        return false
    }

    /// The scheme (lower-cased), whether a host is present and whether there is a
    /// fragment, for an absolute URI; nil when `text` is not one. Foundation's
    /// parser, the same that reads the URL for requests.
    static func uriParts(_ text: String) -> (scheme: String, hasHost: Bool, hasFragment: Bool)? {
        guard let components = URLComponents(string: text), let scheme = components.scheme, !scheme.isEmpty else { return nil }
        return (scheme.lowercased(), !(components.host ?? "").isEmpty, components.fragment != nil)
    }

    /// Checks an issuer or endpoint URL: `https:` (or `http:` when allowed), with a host, no fragment.
    /// Returns the URL when it passes.
    func checkEndpointURL(_ text: ScalarText, key: String, issuer: String, allowInsecureHTTP: Bool, path: @autoclosure () -> String) -> URL?
    {
        guard let parts = Self.uriParts(text.value), parts.hasHost, parts.scheme == "https" || parts.scheme == "http",
            let url = URL(string: text.value)
        else {
            error("`\(key)` of issuer `\(issuer)` must be an absolute https URL", at: text.mark, path: path())
            return nil
        }
        if parts.hasFragment {
            error("`\(key)` of issuer `\(issuer)` must not have a fragment (`#…`)", at: text.mark, path: path())
            return nil
        }
        if parts.scheme == "http" && !allowInsecureHTTP {
            error(
                "`\(key)` of issuer `\(issuer)` uses plain HTTP; use https, or set `allow_insecure_http: true` for a local test server",
                at: text.mark, path: path()
            )
            return nil
        }
        return url
    }
}
