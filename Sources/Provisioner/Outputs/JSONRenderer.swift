/// Renders tokens as JSON, by hand, in a stable layout.
///
/// Per client one object with members in this order: `access_token`,
/// `token_type`, `expires_in`, `expires_at` (RFC 3339 UTC), `scope`, `issuer`,
/// `client_id`, each renamable through `keys` or left out by it
/// (`{expires_at: ~}`). Unknown optional members (`expires_in`, `expires_at`,
/// `scope`) are left out rather than written as `null`, so "absent" has one
/// spelling. Aggregate: `{"clients": {name: object}}`
/// with clients sorted by name. Two-space indentation, UTF-8 without BOM,
/// one final newline, nothing after it. No `JSONEncoder` per token: the
/// aggregate file of 10,000 clients is one buffer built in one pass. The
/// measured reason is `Benchmarks/run`'s row "10,000 clients,
/// client_secret_basic, env per client + JSON (tmpfs)" (CPU per grant and
/// peak RSS); keep this fast path unless that row says otherwise.
package enum JSONRenderer {
    /// One client's object.
    package static func render(_ token: IssuedToken, spec: OutputSpec) throws(OutputError) -> [UInt8] {
        let context = OutputContext(spec: spec, client: token.clientName)
        try OutputKey.checkRenames(context)
        try checkUniqueNames(context)
        var out: [UInt8] = []
        appendObject(token, names: MemberNames(spec), level: 0, to: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `{"clients": {name: object, ...}}` for every client, sorted by name.
    package static func render(_ tokens: [IssuedToken], spec: OutputSpec) throws(OutputError) -> [UInt8] {
        let context = OutputContext(spec: spec, client: nil)
        try OutputKey.checkRenames(context)
        try checkUniqueNames(context)
        // Positions, not a sorted copy of the tokens: 8 bytes per client instead of a whole token.
        let sorted = tokens.indices.sorted { tokens[$0].clientName < tokens[$1].clientName }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where tokens[previous].clientName == tokens[next].clientName {
            throw context.with(client: tokens[next].clientName).error(
                .duplicateKey, "the client name appears twice", hint: "give every client a unique name")
        }
        var out: [UInt8] = []
        // The fixed layout is about 200 bytes per client; the values add their
        // own length (escapes aside). A guess of a flat 1,200 bytes per client
        // reserved 12 MB for 10,000 short tokens.
        out.reserveCapacity(
            64
                + tokens.reduce(0) { total, token in
                    total + 240 + 2 * token.clientName.utf8.count + token.accessToken.utf8.count + token.issuer.utf8.count
                        + token.clientID.utf8.count + (token.scope?.utf8.count ?? 0)
                })
        out.append(contentsOf: Array("{\n  \"clients\": {".utf8))
        let names = MemberNames(spec)
        for (index, position) in sorted.enumerated() {
            let token = tokens[position]
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendIndent(2, to: &out)
            JSONText.appendString(token.clientName, to: &out)
            out.append(contentsOf: Array(": ".utf8))
            appendObject(token, names: names, level: 2, to: &out)
        }
        if !sorted.isEmpty { JSONText.appendIndent(1, to: &out) }
        out.append(contentsOf: Array("}\n}\n".utf8))
        return out
    }

    /// Each member's name as written (quoted, renamed by `keys`, then `: `),
    /// built once per file rather than once per member of every client; nil
    /// for a member `keys` drops.
    private struct MemberNames {
        private let names: [[UInt8]?]

        init(_ spec: OutputSpec) {
            names = OutputKey.allCases.map { key in
                guard key.isWritten(in: spec) else { return nil }
                var bytes: [UInt8] = []
                JSONText.appendString(key.name(in: spec), to: &bytes)
                bytes.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                return bytes
            }
        }

        subscript(key: OutputKey) -> [UInt8]? {
            switch key {
            case .accessToken: names[0]
            case .tokenType: names[1]
            case .expiresIn: names[2]
            case .expiresAt: names[3]
            case .scope: names[4]
            case .issuer: names[5]
            case .clientID: names[6]
            }
        }
    }

    private static func appendObject(_ token: IssuedToken, names: MemberNames, level: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        func member(_ key: OutputKey, _ write: (inout [UInt8]) -> Void) {
            guard let name = names[key] else { return }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendIndent(level + 1, to: &out)
            out.append(contentsOf: name)
            write(&out)
        }
        member(.accessToken) { JSONText.appendString(token.accessToken, to: &$0) }
        member(.tokenType) { JSONText.appendString(token.tokenType, to: &$0) }
        if let expiresIn = token.expiresIn { member(.expiresIn) { JSONText.appendInteger(expiresIn, to: &$0) } }
        if let expiresAt = token.expiresAt {
            member(.expiresAt) { out in
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: RFC3339.bytes(from: expiresAt))
                out.append(UInt8(ascii: "\""))
            }
        }
        if let scope = token.scope { member(.scope) { JSONText.appendString(scope, to: &$0) } }
        member(.issuer) { JSONText.appendString(token.issuer, to: &$0) }
        member(.clientID) { JSONText.appendString(token.clientID, to: &$0) }
        JSONText.appendIndent(level, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func checkUniqueNames(_ context: OutputContext) throws(OutputError) {
        var seen: Set<String> = []
        for key in OutputKey.allCases where key.isWritten(in: context.spec) && !seen.insert(key.name(in: context.spec)).inserted {
            throw context.error(
                .duplicateKey, "two members would be named `\(key.name(in: context.spec))`",
                hint: "give every renamed key in `keys` a distinct name")
        }
    }
}
