import Foundation
import OAuthClient
import YAMLKit

/// The `issuers` mapping.
extension FileDecoder {
    static let issuerKeys = ManifestVocabulary.issuer.keys

    func decodeIssuers(_ node: Node) -> [IssuerDraft] {
        if node.scalar?.resolved == .null { return [] }
        guard let mapping = mapping(node, key: "issuers", path: "issuers") else { return [] }
        var drafts: [IssuerDraft] = []
        for pair in mapping.pairs {
            guard let nameScalar = pair.key.scalar else {
                error("issuer names must be plain strings, not \(pair.key.kindDescription)", at: pair.key.mark, path: "issuers")
                continue
            }
            let name = nameScalar.value
            let path = "issuers.\(name)"
            let nameText = ScalarText(value: name, mark: nameScalar.mark, resolved: .string, referencesEnvironment: false)
            _ = checkName(nameText, what: "issuer", path: path)
            if let draft = decodeIssuer(name: name, nameMark: nameScalar.mark, node: pair.value, path: path) {
                drafts.append(draft)
            }
        }
        return drafts
    }

    private func decodeIssuer(name: String, nameMark: Mark, node: Node, path: @autoclosure () -> String) -> IssuerDraft? {
        guard let block = mapping(node, key: name, path: path()) else { return nil }
        let fields = fields(of: block, allowed: Self.issuerKeys, path: path(), context: "in issuer `\(name)`")

        var allowInsecure = false
        if let pair = fields["allow_insecure_http"] {
            allowInsecure = bool(pair.value, key: "allow_insecure_http", path: path() + ".allow_insecure_http") ?? false
        }
        var issuerURL: URL?
        if let pair = fields["issuer"], let text = string(pair.value, key: "issuer", path: path() + ".issuer") {
            issuerURL = checkEndpointURL(text, key: "issuer", issuer: name, allowInsecureHTTP: allowInsecure, path: path() + ".issuer")
        }
        var tokenEndpoint: URL?
        if let pair = fields["token_endpoint"], let text = string(pair.value, key: "token_endpoint", path: path() + ".token_endpoint") {
            tokenEndpoint = checkEndpointURL(
                text, key: "token_endpoint", issuer: name, allowInsecureHTTP: allowInsecure, path: path() + ".token_endpoint")
        }
        // `discovery: none`, or a mode; `token_endpoint` turns discovery off.
        var mode: DiscoveryMode? = fields["token_endpoint"] == nil ? .auto : nil
        if let pair = fields["discovery"], let text = string(pair.value, key: "discovery", path: path() + ".discovery") {
            if text.value == "none" {
                mode = nil
            } else if let chosen = DiscoveryMode(rawValue: text.value) {
                mode = chosen
                if fields["token_endpoint"] != nil {
                    error(
                        "`token_endpoint` turns discovery off; remove `discovery: \(chosen.rawValue)` or the `token_endpoint`",
                        at: pair.value.mark, path: path() + ".discovery"
                    )
                }
            } else {
                error(
                    Self.unknownChoice("unknown discovery", text.value, among: IssuerEndpoint.discoveryNames), at: text.mark,
                    path: path() + ".discovery")
            }
        }
        if fields["issuer"] == nil, fields["token_endpoint"] == nil {
            error("issuer `\(name)` needs `issuer` (for discovery) or `token_endpoint`", at: block.mark, path: path())
        } else if mode == nil, fields["token_endpoint"] == nil {
            error(
                "`discovery: none` needs `token_endpoint` in issuer `\(name)`", at: fields["discovery"]?.value.mark ?? block.mark,
                path: path() + ".discovery")
        }
        let endpoint: IssuerEndpoint?
        if let tokenEndpoint {
            endpoint = .tokenEndpoint(tokenEndpoint, issuer: issuerURL)
        } else if let issuerURL, let mode {
            endpoint = .discovery(issuer: issuerURL, mode: mode)
        } else {
            endpoint = nil  // reported above
        }

        var caFile: String?
        if let pair = fields["ca_file"] {
            caFile = filePath(pair.value, key: "ca_file", path: path() + ".ca_file", kind: .publicMaterial)?.path
        }
        var maxConcurrency: Int?
        if let pair = fields["max_concurrency"] {
            maxConcurrency = integer(pair.value, key: "max_concurrency", path: path() + ".max_concurrency", minimum: 1)
        }
        var rateLimit: RateLimit?
        if let pair = fields["rate_limit"], let text = string(pair.value, key: "rate_limit", path: path() + ".rate_limit") {
            rateLimit = RateLimit(parsing: text.value)
            if rateLimit == nil {
                error(
                    "`rate_limit` expects requests per second, minute or hour like 20/s, 100/m or 1000/h, not `\(Self.clip(text.value))`",
                    at: text.mark, path: path() + ".rate_limit"
                )
            }
        }
        var proxy = ProxySetting.environment
        if let pair = fields["proxy"], let text = string(pair.value, key: "proxy", path: path() + ".proxy") {
            proxy = decodeProxy(text, issuer: name, path: path() + ".proxy")
        }
        let override = settingsOverride(fields, path: path())
        let definition = endpoint.map { endpoint in
            IssuerDefinition(
                name: name, endpoint: endpoint, caFile: caFile, maxConcurrency: maxConcurrency, rateLimit: rateLimit,
                allowInsecureHTTP: allowInsecure, proxy: proxy, location: location(nameMark)
            )
        }
        return IssuerDraft(name: name, definition: definition, location: location(nameMark), override: override, nameMark: nameMark)
    }

    /// `proxy: none`, or an `http://[user:password@]host[:port]` URL; the
    /// error never repeats the value, which may hold a password.
    private func decodeProxy(_ text: ScalarText, issuer: String, path: @autoclosure () -> String) -> ProxySetting {
        if text.value == "none" { return .direct }
        do {
            return .server(try ProxyServer(parsing: text.value))
        } catch {
            self.error(
                "`proxy` of issuer `\(issuer)`: \(error); expected http://[user:password@]host[:port] or none", at: text.mark, path: path())
            return .environment
        }
    }
}
