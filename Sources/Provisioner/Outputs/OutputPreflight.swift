/// What the manifest alone shows an output cannot write, found before any
/// token is requested (`tokensmith validate`, and the load that starts a run).
///
/// Each check is one the renderers would make later, with a token in hand;
/// here it runs on what the manifest says: key names after renames and drops,
/// the env key each client gets in an aggregate env file, the requested
/// scopes an env output with `include_scope` carries, Secret names, labels
/// and annotations. What only the server's response reveals (the token's
/// characters, a scope it chose) is still found while rendering, per client.
/// Cheap: nothing is rendered; an aggregate costs a few dictionary look-ups
/// per client.
enum OutputPreflight {
    /// Problems of the output itself, whatever the clients: two keys written
    /// under one name, Kubernetes label and annotation rules.
    static func check(_ spec: OutputSpec) -> OutputError? {
        // Without renames every written name is a distinct canonical one, and
        // only a Secret has more to check: the usual output (10,000 of them in
        // a large manifest) costs nothing here.
        if spec.keys.isEmpty {
            if case .kubernetesSecret = spec.format {} else { return nil }
        }
        let context = OutputContext(spec: spec, client: nil)
        do throws(OutputError) {
            try OutputKey.checkRenames(context)
            var seen: [String: OutputKey] = [:]
            for (key, name) in writtenNames(spec) {
                if let first = seen[name] {
                    throw context.error(
                        .duplicateKey, "`\(first.rawValue)` and `\(key.rawValue)` would both be written as `\(name)`",
                        hint: "give every renamed key in `keys` a distinct name, or drop one with `~`")
                }
                seen[name] = key
                if case .kubernetesSecret = spec.format, let problem = KubernetesNames.dataKeyProblem(name) {
                    throw context.error(
                        .invalidDataKey, "the data key `\(name)` (for \(key.rawValue)) \(problem)",
                        hint: "rename it in `keys` to letters, digits, `-`, `.` and `_`")
                }
            }
            if case .kubernetesSecret(let options) = spec.format {
                for entry in options.data {
                    if let first = seen[entry.key] {
                        throw context.error(
                            .duplicateKey, "the templated data key `\(entry.key)` is also where `\(first.rawValue)` is written",
                            hint: "rename the templated key, or rename or drop `\(first.rawValue)` with `keys`")
                    }
                }
                _ = try KubernetesSecretRenderer.labels(options.labels, context: context)
                _ = try KubernetesSecretRenderer.checkedAnnotations(options.annotations.map { ($0.key, $0.value) }, context: context)
            }
        } catch {
            return error
        }
        return nil
    }

    /// Problems of one client in `spec` (its own output, or its entry in an
    /// aggregate one): the env key its name makes, whether the env flavour
    /// can carry the scopes it requests, its Secret's name.
    static func check(client name: String, requestedScope: [String], in spec: OutputSpec, scope: OutputScope) -> OutputError? {
        let context = OutputContext(spec: spec, client: name)
        switch spec.format {
        case .env(let options):
            if scope == .aggregate, !EnvKey.isValid(options.prefix + EnvRenderer.clientPrefix(name)) {
                let key = options.prefix + EnvRenderer.clientPrefix(name) + OutputKey.accessToken.envName(in: spec)
                return context.error(
                    .invalidEnvKey, "the key `\(key)` made from the client name does not match \(EnvKey.pattern)",
                    hint: "set a `prefix` such as `APP_` on this output, since the client name starts with a digit")
            }
            if options.includeScope, OutputKey.scope.isWritten(in: spec), !requestedScope.isEmpty {
                do {
                    _ = try EnvValueQuoting.encode(requestedScope.joined(separator: " "), flavor: options.flavor)
                } catch {
                    let key =
                        options.prefix + (scope == .aggregate ? EnvRenderer.clientPrefix(name) : "") + OutputKey.scope.envName(in: spec)
                    let what =
                        requestedScope.count > 1 ? "the \(requestedScope.count) requested scopes joined by spaces" : "the requested scope"
                    return context.error(error.code, "`\(key)` would hold \(what), which \(error.reason)", hint: error.hint)
                }
            }
        case .kubernetesSecret(let options):
            let secretName = scope == .aggregate ? (options.name ?? "") + name : options.name ?? name
            if let problem = KubernetesNames.subdomainProblem(secretName) {
                let hint =
                    scope == .aggregate
                    ? "rename the client, or write it to its own output with `name:`; an aggregate names each Secret after its client"
                    : "set `name:` on this output to a valid Secret name"
                return context.error(
                    .invalidSecretName, "the Secret name `\(secretName)` \(problem) (Kubernetes DNS-1123 subdomain)", hint: hint)
            }
        case .json, .template:
            break
        }
        return nil
    }

    /// Two clients of an aggregate env output whose keys would meet: `a-b`
    /// and `a.b` both give `A_B_ACCESS_TOKEN`, and a renamed key such as
    /// `B_TOKEN` makes client `a`'s `A_B_TOKEN` meet client `a-b`'s.
    static func checkEnvKeys(clients names: [String], in spec: OutputSpec) -> OutputError? {
        guard case .env(let options) = spec.format else { return nil }
        let keys = writtenNames(spec).map(\.name)
        var owners: [String: String] = [:]
        owners.reserveCapacity(names.count)
        for name in names {
            let prefix = EnvRenderer.clientPrefix(name)
            // The same name twice is the manifest's own error, reported elsewhere.
            if let first = owners.updateValue(name, forKey: prefix), first != name {
                return collision(first, name, key: options.prefix + prefix + (keys.first ?? ""), spec: spec)
            }
        }
        // Different client prefixes meet only when one key is another with
        // more `_`-separated words in front; only then is every key compared.
        let overlapping = keys.contains { long in keys.contains { short in long.count > short.count && long.hasSuffix("_" + short) } }
        guard overlapping else { return nil }
        var written: [String: String] = [:]
        for name in names {
            let prefix = options.prefix + EnvRenderer.clientPrefix(name)
            for key in keys {
                if let first = written.updateValue(name, forKey: prefix + key), first != name {
                    return collision(first, name, key: prefix + key, spec: spec)
                }
            }
        }
        return nil
    }

    private static func collision(_ first: String, _ second: String, key: String, spec: OutputSpec) -> OutputError {
        OutputContext(spec: spec, client: second).error(
            .duplicateKey, "clients `\(first)` and `\(second)` would both write `\(key)` in this file",
            hint: "`-` and `.` in client names both become `_`; rename one of the clients or the keys in `keys`")
    }

    /// The keys `spec` writes (unless the value is unknown) and the name each is written under.
    static func writtenNames(_ spec: OutputSpec) -> [(key: OutputKey, name: String)] {
        let keys: [OutputKey]
        switch spec.format {
        case .env(let options): keys = [.accessToken, .tokenType, .expiresAt] + (options.includeScope ? [.scope] : [])
        case .json: keys = OutputKey.allCases
        case .kubernetesSecret: keys = [.accessToken, .tokenType, .expiresAt, .scope]
        case .template: keys = []
        }
        return keys.filter { $0.isWritten(in: spec) }.map { key in
            if case .env = spec.format { return (key, key.envName(in: spec)) }
            return (key, key.name(in: spec))
        }
    }
}
