import YAMLKit

/// Templated outputs (`template:` with `source:`) and a Secret's templated
/// `data:` keys and `type`: each template is read and checked here, so
/// `validate` reports its mistakes before any request.
extension FileDecoder {
    /// Kubernetes Secret types whose API validation needs certain data keys.
    static let secretTypeRequiredKeys: [String: (keys: [String], all: Bool)] = [
        "kubernetes.io/dockerconfigjson": ([".dockerconfigjson"], true),
        "kubernetes.io/dockercfg": ([".dockercfg"], true),
        "kubernetes.io/basic-auth": (["username", "password"], false),
        "kubernetes.io/ssh-auth": (["ssh-privatekey"], true),
        "kubernetes.io/tls": (["tls.crt", "tls.key"], true),
    ]

    /// The template a `source:` file holds, checked for `scope`.
    func templateSource(_ fields: FieldSet, path: @autoclosure () -> String, scope: OutputScope, mark: Mark) -> OutputTemplate? {
        guard let pair = fields["source"] else {
            error(
                "a `template` output needs `source:`, the template file (relative to the manifest's folder)", at: mark, path: path())
            return nil
        }
        return templateFile(pair.value, path: path() + ".source", scope: scope)
    }

    private func templateFile(_ node: Node, path: @autoclosure () -> String, scope: OutputScope) -> OutputTemplate? {
        guard let (file, text) = filePath(node, key: "source", path: path(), kind: .publicMaterial) else { return nil }
        guard let bytes = inspector.contents(file) else {
            error("`\(Self.clipPath(text.value))` cannot be read", at: text.mark, path: path())
            return nil
        }
        guard let contents = String(validating: bytes, as: UTF8.self) else {
            error("`\(Self.clipPath(text.value))` is not UTF-8 text; a template must be", at: text.mark, path: path())
            return nil
        }
        return checkedTemplate(contents, origin: .file(file), scope: scope, mark: text.mark, path: path())
    }

    private func checkedTemplate(_ text: String, origin: TemplateOrigin, scope: OutputScope, mark: Mark, path: @autoclosure () -> String)
        -> OutputTemplate?
    {
        switch OutputTemplate.parse(text, origin: origin, scope: scope) {
        case .success(let template):
            return template
        case .failure(let failure):
            for problem in failure.problems { error("template \(problem)", at: mark, path: path()) }
            return nil
        }
    }

    /// `data:` of a Secret output: each key's value is an inline template or `{source: FILE}`, rendered per client.
    func secretDataTemplates(_ node: Node, path: @autoclosure () -> String) -> [SecretDataTemplate] {
        guard let block = mapping(node, key: "data", path: path()) else { return [] }
        var entries: [SecretDataTemplate] = []
        for pair in block.pairs {
            guard let key = pair.key.scalar?.value else { continue }
            let keyPath = "\(path()).\(key)"
            if let problem = KubernetesNames.dataKeyProblem(key) {
                error("Secret data key `\(Self.clip(key))` \(problem)", at: pair.key.mark, path: keyPath)
                continue
            }
            let template: OutputTemplate?
            if let source = pair.value.mapping {
                let fields = fields(of: source, allowed: ["source"], path: keyPath, context: "in a templated data key")
                template = templateSource(fields, path: keyPath, scope: .perClient, mark: source.mark)
            } else if let text = string(pair.value, key: key, path: keyPath, allowEmpty: true) {
                template = checkedTemplate(
                    text.value, origin: .inline(location(text.mark)), scope: .perClient, mark: text.mark, path: keyPath)
            } else {
                template = nil
            }
            if let template { entries.append(SecretDataTemplate(key: key, template: template)) }
        }
        return entries
    }

    /// `type:` of a Secret output, checked against the keys it will hold.
    func secretType(_ node: Node, path: @autoclosure () -> String, writtenKeys: [String]) -> String? {
        guard let text = string(node, key: "type", path: path()) else { return nil }
        let value = text.value
        guard value.utf8.count <= 253, !value.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            error("`type` must be a Secret type such as Opaque or kubernetes.io/dockerconfigjson", at: text.mark, path: path())
            return nil
        }
        if let required = Self.secretTypeRequiredKeys[value] {
            let present = required.keys.filter(writtenKeys.contains)
            if required.all ? present.count < required.keys.count : present.isEmpty {
                let wanted = required.keys.map { "`\($0)`" }.joined(separator: required.all ? " and " : " or ")
                error(
                    "Kubernetes refuses a `\(value)` Secret without \(wanted) in `data`; add \(required.all && required.keys.count > 1 ? "them" : "it") under `data:` as a templated key",
                    at: text.mark, path: path())
                return nil
            }
        }
        return value
    }
}
