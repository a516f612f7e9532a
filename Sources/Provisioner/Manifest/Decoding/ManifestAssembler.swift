import Foundation
import OAuthClient
import YAMLKit

/// Merges file fragments into one ``Manifest``: global defaults, unique names
/// across files, issuer references, effective settings, fingerprints, output
/// path collisions and what each output can write (``OutputPreflight``). Linear in the number of clients.
struct ManifestAssembler {
    var diagnostics: [Diagnostic] = []
    /// False leaves fingerprints empty (validation only).
    var computesFingerprints = true
    /// Clients with no outputs when no aggregate output holds them either:
    /// their tokens would be written nowhere (see ``clientsWrittenNowhere(_:)``).
    var writtenNowhere: [(name: String, location: SourceLocation, index: Int)] = []

    private mutating func error(_ message: String, at location: SourceLocation, path: String) {
        diagnostics.append(Diagnostic(.error, message, at: location, keyPath: path))
    }

    /// Builds the manifest; each fragment's client drafts are emptied once
    /// they are merged, so the drafts and the result are not held together
    /// longer than needed (10,000 clients).
    mutating func assemble(_ fragments: inout [ManifestFragment]) -> Manifest {
        // Defaults: one file at most.
        var defaults = Defaults.builtIn
        var defaultsLocation: SourceLocation?
        for fragment in fragments {
            guard let given = fragment.defaults else { continue }
            let here = SourceLocation(file: fragment.file.path, line: given.mark.line, column: given.mark.column)
            if let defaultsLocation {
                error("`defaults` is already given at \(defaultsLocation); keep it in one manifest", at: here, path: "defaults")
            } else {
                defaults = given.value
                defaultsLocation = here
            }
        }

        // Issuers: unique across files.
        var issuers: [IssuerDefinition] = []
        var issuerIndex: [String: Int] = [:]
        // Every defined name, with or without a usable endpoint, and where.
        var issuerLocations: [String: SourceLocation] = [:]
        var issuerNames: [String] = []
        for fragment in fragments {
            for draft in fragment.issuers {
                let name = draft.name
                if let existing = issuerLocations[name] {
                    error("issuer `\(name)` is already defined at \(existing)", at: draft.location, path: "issuers.\(name)")
                    continue
                }
                issuerLocations[name] = draft.location
                issuerNames.append(name)
                guard var definition = draft.definition else { continue }
                definition.settings = draft.override.applied(to: defaults.settings)
                issuerIndex[name] = issuers.count
                issuers.append(definition)
            }
        }

        // Clients: unique names, known issuers, effective settings, fingerprints.
        var clients: [ClientDefinition] = []
        var clientLocations: [String: SourceLocation] = [:]
        clientLocations.reserveCapacity(fragments.reduce(0) { $0 + $1.clients.count })
        var outputs: [OutputDraft] = []
        // Sized once: growing by doubling kept up to twice the slots (and both
        // buffers while copying) at the peak of a 100,000-client load.
        outputs.reserveCapacity(
            fragments.reduce(0) { total, fragment in
                total + fragment.outputs.count + fragment.clients.reduce(0) { $0 + $1.outputs.count }
            })
        var withoutOutputs: [(name: String, location: SourceLocation, index: Int)] = []
        for fragmentIndex in fragments.indices {
            let fragment = fragments[fragmentIndex]
            fragments[fragmentIndex].clients = []
            clients.reserveCapacity(clients.count + fragment.clients.count)
            for var draft in fragment.clients {
                if let nameText = draft.nameText {
                    let here = SourceLocation(file: fragment.file.path, line: nameText.mark.line, column: nameText.mark.column)
                    if let first = clientLocations[nameText.value] {
                        error("client name `\(nameText.value)` is already used at \(first)", at: here, path: draft.path + ".name")
                    } else {
                        clientLocations[nameText.value] = here
                    }
                    if draft.outputs.isEmpty { withoutOutputs.append((nameText.value, here, draft.index)) }
                }
                var issuer: IssuerDefinition?
                if let reference = draft.issuerReference {
                    if let index = issuerIndex[reference.value] {
                        issuer = issuers[index]
                    } else if issuerLocations[reference.value] == nil {
                        let here = SourceLocation(file: fragment.file.path, line: reference.mark.line, column: reference.mark.column)
                        error(Self.unknownIssuerMessage(reference.value, known: issuerNames), at: here, path: draft.path + ".issuer")
                    }
                }
                draft.definition.settings = draft.override.applied(to: issuer?.settings ?? defaults.settings)
                if computesFingerprints {
                    draft.definition.fingerprint = Self.fingerprint(draft.definition, issuer: issuer, identity: draft.identityParts)
                }
                checkOutputs(of: draft.definition, draft.outputs)
                outputs += draft.outputs
                clients.append(draft.definition)
            }
            outputs += fragment.outputs
        }

        // Output paths: no two outputs may write the same file. Positions, not
        // copies, are sorted and remembered.
        let fileRank = Dictionary(fragments.enumerated().map { ($1.file.path, $0) }, uniquingKeysWith: { first, _ in first })
        var writers: [String: Int] = [:]
        writers.reserveCapacity(outputs.count)
        let byLocation = outputs.indices.sorted { Self.order(outputs[$0].location, outputs[$1].location, rank: fileRank) }
        for index in byLocation where !outputs[index].spec.isStandardOutput {
            let output = outputs[index]
            if let first = writers[output.spec.path] {
                error(
                    "output `\(output.writtenPath)` is also written by the output at \(outputs[first].location)",
                    at: output.location, path: output.keyPath
                )
            } else {
                writers[output.spec.path] = index
            }
        }

        diagnostics += Self.sharedStandardOutput(outputs, inOrder: byLocation)
        for fragment in fragments { checkAggregateOutputs(fragment.outputs, clients: clients) }
        let aggregate = fragments.flatMap(\.outputs).map(\.spec)
        if aggregate.isEmpty { writtenNowhere = withoutOutputs }
        return Manifest(files: fragments.map(\.file), defaults: defaults, issuers: issuers, clients: clients, outputs: aggregate)
    }

    static func unknownIssuerMessage(_ name: String, known: [String]) -> String {
        if known.isEmpty { return "unknown issuer `\(FileDecoder.clip(name))`; no issuers are defined under `issuers`" }
        if let suggestion = Suggestions.closest(to: name, among: known) {
            return "unknown issuer `\(FileDecoder.clip(name))`; did you mean `\(suggestion)`?"
        }
        let listed = known.prefix(5).map { "`\($0)`" }.joined(separator: ", ") + (known.count > 5 ? ", …" : "")
        return "unknown issuer `\(FileDecoder.clip(name))`; defined issuers: \(listed)"
    }

    /// Command-line file order (`rank`: path → position), then line and column.
    static func order(_ lhs: SourceLocation, _ rhs: SourceLocation, rank: [String: Int]) -> Bool {
        if lhs.file != rhs.file {
            return (rank[lhs.file] ?? 0) < (rank[rhs.file] ?? 0)
        }
        return (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// SHA-256 over length-prefixed parts: everything that shapes the token request.
    ///
    /// Each part is written as `<UTF-8 length>:<part>\n` straight into one
    /// buffer (the digest of an unchanged client must stay the same across
    /// versions, or every cached token would look stale).
    static func fingerprint(_ client: ClientDefinition, issuer: IssuerDefinition?, identity: [String]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        // `length:label+values\n`, the values given one by one (no variadic
        // array per part: this runs for every client of every load).
        func part(_ label: StaticString, _ first: String = "", _ second: String = "", _ third: String = "") {
            let length = label.utf8CodeUnitCount + first.utf8.count + second.utf8.count + third.utf8.count
            OutputFileStamp.appendDecimal(length, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: UnsafeBufferPointer(start: label.utf8Start, count: label.utf8CodeUnitCount))
            bytes.append(contentsOf: first.utf8)
            bytes.append(contentsOf: second.utf8)
            bytes.append(contentsOf: third.utf8)
            bytes.append(0x0A)
        }
        part("fingerprint-v1")
        part("issuer=", client.issuerName)
        part("issuer_url=", issuer?.endpoint.issuer?.absoluteString ?? "")
        if case .tokenEndpoint(let url, _)? = issuer?.endpoint {
            part("token_endpoint=", url.absoluteString)
        } else {
            part("token_endpoint=")
        }
        part("discovery=", issuer?.endpoint.discoveryName ?? "")
        part("client_id=", client.clientID)
        part("scope=", client.scope.joined(separator: " "))
        for value in identity { part("", value) }
        for value in client.resource { part("resource=", value) }
        for value in client.audience { part("audience=", value) }
        for parameter in client.params { part("param=", parameter.name, "=", parameter.value) }
        return SHA256Digest.hex(of: bytes)
    }
}
