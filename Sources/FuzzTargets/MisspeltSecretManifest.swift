/// A manifest built from fuzz bytes around one secret under a key a user might
/// write instead of `secret`: a credential word (`password`, `client_secret`,
/// `apiKey`, …), often with one typing mistake, or any unknown key inside
/// `auth`; at the top level, in a client, in `auth` or in a merged template;
/// in block or flow style; plain, quoted or over several lines; sometimes on a
/// line that no longer parses as YAML.
///
/// The words and edits are this generator's own, independent of the rule the
/// loader applies, so the property checks the rule instead of restating it.
struct MisspeltSecretManifest {
    /// The manifest text.
    var yaml: String
    /// Every piece of the secret as it stands in the text: none may show in a diagnostic.
    var secrets: [String]

    static let credentialWords = [
        "secret", "password", "passwd", "pwd", "token", "credential", "credentials", "private_key",
        "client_secret", "clientSecret", "ClientSecret", "api_key", "apiKey", "API-KEY", "auth_token",
        "access-token", "PASSWORD", "Secret", "secret_key", "bearer_token",
    ]

    /// Keys that stay unknown inside `auth` and are no credential word.
    static let otherAuthKeys = ["pass", "value", "client", "id", "keyvalue", "s", "methods", "cert", "x", "zork"]

    private struct Bytes {
        let input: [UInt8]
        var index = 0
        mutating func next() -> Int {
            defer { index += 1 }
            guard !input.isEmpty else { return index }
            return Int(input[index % input.count]) &+ index / input.count
        }
        mutating func pick<T>(_ items: [T]) -> T { items[next() % items.count] }
    }

    private enum Placement: CaseIterable { case topLevel, client, authBlock, authFlow, template }
    private enum ValueStyle: CaseIterable { case plain, singleQuoted, doubleQuoted, literal, folded, plainTwoLines }

    static func make(_ input: [UInt8]) -> MisspeltSecretManifest {
        var bytes = Bytes(input: input)
        let placement = bytes.pick(Placement.allCases)
        let insideAuth = placement == .authBlock || placement == .authFlow || placement == .template
        var key = bytes.pick(credentialWords)
        var isCredentialWord = true
        if insideAuth, bytes.next() % 3 == 0 {
            key = bytes.pick(otherAuthKeys)
            isCredentialWord = false
        }
        if bytes.next() % 2 == 0 {
            let misspelt = misspell(key, &bytes)
            // A mistake that lands on a key known to hold no secret is no longer this case.
            if !["method", "alg", "kid", "audience", "x5t_sha1"].contains(misspelt), !misspelt.hasSuffix("_file") { key = misspelt }
        }

        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        func piece() -> String {
            var text = "Q7"
            for _ in 0..<10 { text.append(bytes.pick(alphabet)) }
            return text + "z"
        }
        let first = piece()
        let second = piece()
        let flow = placement == .authFlow || (placement == .client && bytes.next() % 2 == 0)
        var style = bytes.pick(ValueStyle.allCases)
        if flow, style == .literal || style == .folded || style == .plainTwoLines { style = .doubleQuoted }
        var breaksLine = !flow && bytes.next() % 4 == 0 && [.plain, .singleQuoted, .doubleQuoted].contains(style)
        // A template is `auth` only through the merge that uses it; a file that
        // does not parse has no merges, so there only a credential word can tell.
        if breaksLine, placement == .template, !isCredentialWord { breaksLine = false }

        var secrets = [first]
        let value: String
        switch style {
        case .plain: value = first
        case .singleQuoted: value = "'\(first) \(second)'"; secrets.append(second)
        case .doubleQuoted: value = flow ? "\"\(first) \(second)\"" : "\"\(first)\n  \(second)\""; secrets.append(second)
        case .literal: value = "|\n  \(first)\n  \(second)"; secrets.append(second)
        case .folded: value = ">\n  \(first)\n  \(second)"; secrets.append(second)
        case .plainTwoLines: value = "\(first)\n  \(second)"; secrets.append(second)
        }
        let broken = breaksLine ? ": oops" : ""

        /// `value` re-indented for a key written at `indent` spaces.
        func pair(_ indent: Int) -> String {
            let pad = String(repeating: " ", count: indent)
            let shifted = value.replacingLines { pad + $0 }
            return pad + key + ": " + shifted + broken
        }

        var lines = ["version: 1"]
        if placement == .topLevel { lines.append(pair(0)) }
        if placement == .template {
            lines.append("x-templates:")
            lines.append("  base: &base")
            lines.append("    method: client_secret_basic")
            lines.append(pair(4))
        }
        lines += ["issuers:", "  local:", "    token_endpoint: https://issuer.example/token", "clients:"]
        let authFlowText = "{method: client_secret_basic, \(key): \(value), secret: ${FUZZ_SECRET}}"
        if flow {
            let auth = placement == .authFlow ? authFlowText : "{method: client_secret_basic, secret: ${FUZZ_SECRET}}"
            let extra = placement == .client ? ", \(key): \(value)" : ""
            lines.append("  - {name: billing, issuer: local, client_id: billing\(extra), auth: \(auth), outputs: [{env: out/b.env}]}")
        } else {
            lines += ["  - name: billing", "    issuer: local", "    client_id: billing"]
            if placement == .client { lines.append(pair(4)) }
            lines.append("    auth:")
            if placement == .template { lines.append("      <<: *base") } else { lines.append("      method: client_secret_basic") }
            if placement == .authBlock { lines.append(pair(6)) }
            lines.append("      secret: ${FUZZ_SECRET}")
            lines += ["    outputs:", "      - env: out/b.env"]
        }
        return MisspeltSecretManifest(yaml: lines.joined(separator: "\n") + "\n", secrets: secrets)
    }

    /// One typing mistake: a letter dropped, added, changed, or two swapped.
    private static func misspell(_ word: String, _ bytes: inout Bytes) -> String {
        var letters = Array(word)
        let letterChoices = Array("abcdefghijklmnopqrstuvwxyz_-")
        let position = bytes.next() % (letters.count + 1)
        switch bytes.next() % 4 {
        case 0 where position < letters.count && letters.count > 2: letters.remove(at: position)
        case 1: letters.insert(bytes.pick(letterChoices), at: position)
        case 2 where position < letters.count: letters[position] = bytes.pick(letterChoices)
        case 3 where position + 1 < letters.count: letters.swapAt(position, position + 1)
        default: break
        }
        // A key must stay a key: no leading dash (a list item) or separator pile-up at the ends.
        while let first = letters.first, first == "-" || first == "_" { letters.removeFirst() }
        return letters.isEmpty ? word : String(letters)
    }
}

private extension String {
    /// The text with every line after the first transformed.
    func replacingLines(_ transform: (Substring) -> String) -> String {
        let lines = split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1 else { return self }
        return ([String(lines[0])] + lines.dropFirst().map(transform)).joined(separator: "\n")
    }
}
