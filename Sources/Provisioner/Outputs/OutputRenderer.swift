/// Turns an ``OutputSpec`` and tokens into the bytes of that output, whatever its format.
///
/// Pure: no files, no clock, no environment. The runner renders everything
/// first (see ``OutputPlan``) and writes afterwards, so a rendering error
/// never leaves a half-updated set of files.
package enum OutputRenderer {
    /// The bytes of a per-client output for one token.
    package static func render(_ spec: OutputSpec, token: IssuedToken) throws(OutputError) -> [UInt8] {
        switch spec.format {
        case .env(let options): try EnvRenderer.render(token, spec: spec, options: options)
        case .json: try JSONRenderer.render(token, spec: spec)
        case .kubernetesSecret(let options): try KubernetesSecretRenderer.render(token, spec: spec, options: options)
        case .template(let template): try TemplateRenderer.render(template, token: token, spec: spec)
        }
    }

    /// The bytes of an aggregate output over `tokens` (order does not matter; outputs sort by client name).
    package static func render(_ spec: OutputSpec, tokens: [IssuedToken]) throws(OutputError) -> [UInt8] {
        switch spec.format {
        case .env(let options): try EnvRenderer.render(tokens, spec: spec, options: options)
        case .json: try JSONRenderer.render(tokens, spec: spec)
        case .kubernetesSecret(let options): try KubernetesSecretRenderer.render(tokens, spec: spec, options: options)
        case .template(let template): try TemplateRenderer.render(template, tokens: tokens, spec: spec)
        }
    }

    /// Renders `spec` for `scope`: per client with exactly the one token given, aggregate with all.
    package static func render(spec: OutputSpec, scope: OutputScope, tokens: [IssuedToken]) throws(OutputError) -> [UInt8] {
        switch scope {
        case .aggregate:
            return try render(spec, tokens: tokens)
        case .perClient:
            precondition(tokens.count == 1, "a per-client output renders exactly one token")
            return try render(spec, token: tokens[0])
        }
    }
}
