package import Foundation
import OAuthClient

/// The environment `tokensmith exec` gives its program: the current one
/// without the manifest's client secrets, plus each selected client's token.
package enum ExecEnvironment {
    /// Each selected client's token variables, named as its first env output
    /// names them (prefix and `keys`), or, for a client without one, as an
    /// aggregate env file would (`BILLING_EU_ACCESS_TOKEN`, … from the
    /// client name). Clients without a valid token at `now` are left out.
    package static func tokenVariables(_ clients: [ClientDefinition], state: TokenState, now: Date) -> [String: String] {
        var variables: [String: String] = [:]
        for client in clients {
            guard let entry = state.clients[client.name], entry.fingerprint == client.fingerprint, entry.isValid(at: now) else {
                continue
            }
            let envOutput = client.outputs.first { if case .env = $0.format { true } else { false } }
            let pairs: [(name: String, value: String)]
            if let spec = envOutput, case .env(let options) = spec.format {
                pairs = EnvRenderer.variables(entry.token, prefix: options.prefix, spec: spec, includeScope: options.includeScope)
            } else {
                pairs = EnvRenderer.variables(
                    entry.token, prefix: EnvRenderer.clientPrefix(client.name), spec: OutputSpec(format: .env(EnvOptions()), path: "-"),
                    includeScope: false)
            }
            for pair in pairs { variables[pair.name] = pair.value }
        }
        return variables
    }

    /// `environment` without any variable that holds one of the manifest's
    /// client secrets (`secret: ${BILLING_SECRET}` must not reach the program).
    package static func withoutSecrets(_ environment: [String: String], manifest: Manifest) -> [String: String] {
        let secrets = Set(manifest.clients.compactMap { $0.authentication.sharedSecret }.filter { !$0.isEmpty })
        guard !secrets.isEmpty else { return environment }
        return environment.filter { !secrets.contains($0.value) }
    }
}
