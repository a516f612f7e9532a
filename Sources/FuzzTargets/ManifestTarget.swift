import Foundation
import Provisioner
import YAMLKit

/// Loads the input as a manifest and checks what a user would rely on:
/// a manifest is returned exactly when there is no error, every diagnostic
/// points inside the file, and no secret written in the manifest (or taken
/// from the environment for a `secret`) shows in any diagnostic — neither a
/// value under a credential-like key nor one inside `auth`. The same bytes
/// also drive ``MisspeltSecretManifest``, a manifest with a secret under a
/// misspelt or unknown key, whose secret must not show either.
enum ManifestTarget {
    /// A value only ever reachable through `${FUZZ_SECRET}`.
    static let environmentSecret = "Zq7fuzzEnvSecret9xK"

    static let loader = ManifestLoader(
        environment: ["FUZZ_SECRET": environmentSecret, "ISSUER": "https://issuer.example", "EMPTY": ""],
        outputRoot: "/nonexistent/tokensmith-fuzz/out",
        currentDirectory: "/nonexistent/tokensmith-fuzz"
    )

    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        guard input.count <= 64 << 10 else { return }
        try checkLoad(input)
        let generated = MisspeltSecretManifest.make(input)
        let result = loader.load(sources: [ManifestSource(path: "fuzz.yaml", bytes: Array(generated.yaml.utf8), mode: 0o600)])
        let shown = result.diagnostics.map { $0.description + "\n" + $0.jsonLine }.joined(separator: "\n") + result.summary
        for secret in generated.secrets where shown.contains(secret) {
            throw FuzzFinding("the secret `\(secret)` of the generated manifest appears in a diagnostic:\n\(generated.yaml)\n---\n\(shown)")
        }
    }

    private static func checkLoad(_ input: [UInt8]) throws(FuzzFinding) {
        let result = loader.load(sources: [ManifestSource(path: "fuzz.yaml", bytes: input, mode: 0o600)])
        if result.manifest == nil, result.errorCount == 0 {
            throw FuzzFinding("no manifest and no error: the user is told nothing")
        }
        if result.manifest != nil, result.errorCount > 0 {
            throw FuzzFinding("a manifest was returned together with \(result.errorCount) error(s)")
        }
        let lines = SourceText(bytes: input).lineCount
        for diagnostic in result.diagnostics {
            guard diagnostic.file == "fuzz.yaml", diagnostic.line >= 1, diagnostic.line <= lines + 1, diagnostic.column >= 1 else {
                throw FuzzFinding(
                    "the diagnostic \"\(diagnostic.message)\" points at \(diagnostic.location), outside the \(lines)-line file")
            }
        }
        let secrets = secretsWritten(in: input)
        guard !secrets.isEmpty else { return }
        let shown = result.diagnostics.map { $0.description + "\n" + $0.jsonLine }.joined(separator: "\n") + result.summary
        for secret in secrets where shown.contains(secret) {
            throw FuzzFinding("the secret `\(secret)` from the manifest appears in a diagnostic:\n\(shown)")
        }
    }

    /// Values of `secret:` keys that are long enough and unique enough that
    /// seeing them in a message can only mean the secret leaked.
    static func secretsWritten(in input: [UInt8]) -> [String] {
        guard let documents = try? YAMLRoundTripTarget.parser.parse(bytes: input, file: "fuzz.yaml") else { return [] }
        var scalars: [String] = []
        for document in documents { collectSecretScalars(document, into: &scalars) }
        let text = String(decoding: input, as: UTF8.self)
        var secrets: [String] = []
        for value in scalars {
            // A plain or quoted secret over several lines is folded: each piece
            // is still on its own source line, so each must stay hidden too.
            for piece in value.split(whereSeparator: { $0 == " " || $0 == "\n" }) where piece != Substring(value) && looksLikeSecret(piece)
            {
                if !piece.contains("$"), occurrences(of: String(piece), in: text) == 1 { secrets.append(String(piece)) }
            }
            if value.contains("${FUZZ_SECRET}"),
                occurrences(of: "FUZZ_SECRET", in: text) == scalars.reduce(0, { $0 + occurrences(of: "FUZZ_SECRET", in: $1) })
            {
                secrets.append(environmentSecret)
            }
            if looksLikeSecret(Substring(value)), !value.contains("$"), occurrences(of: value, in: text) == 1 {
                secrets.append(value)
            }
        }
        return secrets
    }

    /// At least 8 characters mixing two of lower case, upper case and digits:
    /// a value spelt like a keyword (`client_secret_post`, `version:`) may
    /// rightly appear in a "did you mean" or a hint.
    static func looksLikeSecret(_ value: Substring) -> Bool {
        guard value.utf8.count >= 8 else { return false }
        let lower = value.utf8.contains { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
        let upper = value.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        let digit = value.utf8.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        return [lower, upper, digit].filter { $0 }.count >= 2
    }

    /// Scalars the user may have meant as secrets: values under credential-like
    /// keys, everything inside `auth` but its public keys, and keys without a
    /// value there (`{method: …, s3cr3t}`).
    private static func collectSecretScalars(_ node: Node, into scalars: inout [String]) {
        func all(_ node: Node) {
            switch node {
            case .scalar(let scalar): scalars.append(scalar.value)
            case .mapping(let mapping): for pair in mapping.pairs { all(pair.key); all(pair.value) }
            case .sequence(let sequence): sequence.items.forEach(all)
            }
        }
        func walk(_ node: Node, parentKey: String?, insideAuth: Bool) {
            switch node {
            case .mapping(let mapping):
                for pair in mapping.pairs {
                    guard let key = pair.key.scalar?.value else { continue }
                    switch CredentialKeys.role(of: key, parentKey: parentKey, insideAuth: insideAuth) {
                    case .secret:
                        if insideAuth, pair.value.scalar?.isNull == true { scalars.append(key) }
                        all(pair.value)
                    case .auth: walk(pair.value, parentKey: key, insideAuth: true)
                    case .plain: walk(pair.value, parentKey: key, insideAuth: false)
                    }
                }
            case .sequence(let sequence):
                for item in sequence.items { walk(item, parentKey: parentKey, insideAuth: insideAuth) }
            case .scalar(let scalar):
                if insideAuth { scalars.append(scalar.value) }
            }
        }
        walk(node, parentKey: nil, insideAuth: false)
    }

    private static func occurrences(of needle: String, in haystack: String) -> Int {
        guard !needle.isEmpty else { return 0 }
        return haystack.components(separatedBy: needle).count - 1
    }
}
