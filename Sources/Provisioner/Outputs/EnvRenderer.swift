/// Renders `KEY=value` env files (docker `--env-file`, shell, python-dotenv).
///
/// Per client: `<PREFIX>ACCESS_TOKEN`, `<PREFIX>TOKEN_TYPE`,
/// `<PREFIX>EXPIRES_AT` (RFC 3339 UTC, left out when unknown) and, with
/// `includeScope`, `<PREFIX>SCOPE` (left out when the server named none).
/// Aggregate: the same lines for every client, sorted by name, each with the
/// prefix made from the client name (upper-cased, `-` and `.` turned into `_`,
/// then `_`) after the configured prefix. A key dropped through `keys` is
/// not written. LF line ends, UTF-8 without BOM, a
/// final newline; quoting as ``EnvValueQuoting`` describes.
package enum EnvRenderer {
    /// One client's env file.
    package static func render(_ token: IssuedToken, spec: OutputSpec, options: EnvOptions) throws(OutputError) -> [UInt8] {
        let context = OutputContext(spec: spec, client: token.clientName)
        try OutputKey.checkRenames(context)
        var out: [UInt8] = []
        var seen: Set<String> = []
        try append(token, prefix: options.prefix, options: options, context: context, seen: &seen, to: &out)
        return out
    }

    /// Every client's lines in one file.
    package static func render(_ tokens: [IssuedToken], spec: OutputSpec, options: EnvOptions) throws(OutputError) -> [UInt8] {
        try OutputKey.checkRenames(OutputContext(spec: spec, client: nil))
        var out: [UInt8] = []
        var seen: Set<String> = []
        for token in tokens.sorted(by: { $0.clientName < $1.clientName }) {
            let context = OutputContext(spec: spec, client: token.clientName)
            try append(
                token, prefix: options.prefix + clientPrefix(token.clientName), options: options, context: context, seen: &seen, to: &out)
        }
        return out
    }

    /// `billing-eu.v2` → `BILLING_EU_V2_`.
    package static func clientPrefix(_ name: String) -> String {
        String(name.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 }) + "_"
    }

    /// The variables an env output of `spec` holds for `token`, unquoted:
    /// what `exec` puts into a program's environment.
    package static func variables(_ token: IssuedToken, prefix: String, spec: OutputSpec, includeScope: Bool) -> [(
        name: String, value: String
    )] {
        pairs(token, includeScope: includeScope).filter { $0.0.isWritten(in: spec) }.map { (prefix + $0.0.envName(in: spec), $0.1) }
    }

    private static func pairs(_ token: IssuedToken, includeScope: Bool) -> [(OutputKey, String)] {
        var pairs: [(OutputKey, String)] = [(.accessToken, token.accessToken), (.tokenType, token.tokenType)]
        if let expiresAt = token.expiresAt { pairs.append((.expiresAt, RFC3339.string(from: expiresAt))) }
        if includeScope, let scope = token.scope { pairs.append((.scope, scope)) }
        return pairs
    }

    private static func append(
        _ token: IssuedToken, prefix: String, options: EnvOptions, context: OutputContext,
        seen: inout Set<String>, to out: inout [UInt8]
    ) throws(OutputError) {
        for (key, value) in pairs(token, includeScope: options.includeScope) where key.isWritten(in: context.spec) {
            let name = prefix + key.envName(in: context.spec)
            guard EnvKey.isValid(name) else {
                throw context.error(
                    .invalidEnvKey, "the key `\(name)` (for \(key.rawValue)) does not match \(EnvKey.pattern)",
                    hint: "use upper-case letters, digits and `_` in `prefix` and `keys`")
            }
            guard seen.insert(name).inserted else {
                throw context.error(
                    .duplicateKey, "the key `\(name)` would be written twice",
                    hint: "rename the clients or keys so every key is unique in this file")
            }
            let encoded: [UInt8]
            do {
                encoded = try EnvValueQuoting.encode(value, flavor: options.flavor)
            } catch {
                throw context.error(error.code, "the value of \(name) \(error.reason)", hint: error.hint)
            }
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: encoded)
            out.append(UInt8(ascii: "\n"))
        }
    }
}
