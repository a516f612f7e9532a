internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import OAuthClient

/// The fields of a successful token response, before any fault reshapes them.
struct TokenResponseFields {
    var accessToken: String
    var tokenType: String
    var expiresIn: Int
    var scope: String?

    /// Renders the JSON members in order, skipping the ones named in `omitting`.
    func json(omitting: Set<String> = [], expiresInText: String? = nil, extra: String = "") -> String {
        var members: [String] = []
        if !omitting.contains("access_token") { members.append("\"access_token\":" + JSONWriter.quoted(accessToken)) }
        if !omitting.contains("token_type") { members.append("\"token_type\":" + JSONWriter.quoted(tokenType)) }
        members.append("\"expires_in\":" + (expiresInText ?? String(expiresIn)))
        if let scope { members.append("\"scope\":" + JSONWriter.quoted(scope)) }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }
}

extension IssuerCore {
    /// The token endpoint (RFC 6749 §4.4 client credentials grant).
    ///
    /// Order: method and content type, form parsing, client authentication, grant type,
    /// DPoP proof, scope and resource checks, then faults and issuance.
    func tokenEndpoint(_ request: IncomingRequest, now: Double) -> Reply {
        var clientID: String?
        var authenticated: AuthenticatedClient?
        var dpopAccepted = false
        var issued = false
        defer {
            if let clientID {
                statistics.tokenRequest(
                    client: clientID,
                    method: authenticated?.method,
                    audience: authenticated?.assertionAudience,
                    dpopAccepted: dpopAccepted,
                    issued: issued
                )
            }
        }
        do {
            guard request.method == .POST else {
                throw OAuthError(
                    code: "invalid_request", description: "The token endpoint accepts POST only.", status: .methodNotAllowed,
                    headers: [("Allow", "POST")])
            }
            let contentType = request.headers.first(name: "Content-Type") ?? ""
            let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard mediaType == "application/x-www-form-urlencoded" else {
                throw OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded.")
            }
            let bodyBytes = request.body.map { $0.readableBytesView } ?? ByteBuffer().readableBytesView
            guard let pairs = FormURLEncoding.parse(bodyBytes) else {
                throw OAuthError.invalidRequest("The form body has a malformed percent-escape or is not UTF-8.")
            }
            let parameters = try FormParameters(pairs)
            let client = try ClientAuthenticationVerifier(core: self).authenticate(
                request, parameters: parameters, now: now, clientID: &clientID)
            authenticated = client
            guard let grantType = parameters["grant_type"] else {
                throw OAuthError.invalidRequest("The `grant_type` parameter is missing.")
            }
            guard grantType == "client_credentials" else {
                throw OAuthError(code: "unsupported_grant_type", description: "Only the client_credentials grant is supported.")
            }
            let endpoint = request.listener == .mutualTLS ? (urls.mtlsTokenEndpoint ?? urls.tokenEndpoint) : urls.tokenEndpoint
            let thumbprint = try DPoPVerifier(core: self).verify(request, endpoint: endpoint, now: now)
            dpopAccepted = thumbprint != nil
            if client.record.client.requiresDPoP, thumbprint == nil {
                throw OAuthError.invalidDPoPProof("This client must send a DPoP proof with every token request.")
            }
            let scopes = try checkScope(parameters["scope"], client: client.record.client)
            let resources = try checkResources(parameters.values["resource"] ?? [], client: client.record.client)
            let audiences = parameters.values["audience"] ?? []

            let (delay, barrier, fault) =
                client.record.client.faults.isEmpty
                ? (Duration.zero, 0, nil) : registry.takeFaults(for: client.record.client.id)
            var fields = TokenResponseFields(
                accessToken: "",
                tokenType: thumbprint != nil ? "DPoP" : "Bearer",
                expiresIn: client.record.client.expiresIn ?? defaultExpiresIn,
                scope: scopes
            )
            if fault == .dpopTokenTypeWithoutProof { fields.tokenType = "DPoP" }
            fields.accessToken = try makeAccessToken(
                client: client.record.client.id,
                audience: resources.isEmpty ? audiences : resources,
                scope: scopes,
                expiresIn: fields.expiresIn,
                thumbprint: thumbprint,
                now: now
            )
            let action = FaultResponses.action(for: fault, fields: fields)
            if case .respond(let response) = action, response.status == .ok, fault == nil || fault == .dpopTokenTypeWithoutProof {
                issued = true
            }
            var reply = Reply(delay: delay, action)
            reply.barrier = barrier
            return reply
        } catch let error as OAuthError {
            return Reply(error.response)
        } catch {
            return Reply(
                OAuthError(code: "server_error", description: "The access token could not be signed.", status: .internalServerError)
                    .response)
        }
    }

    /// Checks requested scopes against the allowed ones; returns the scope to grant.
    private func checkScope(_ requested: String?, client: RegisteredClient) throws(OAuthError) -> String? {
        guard let requested else {
            return client.allowedScopes.map { $0.sorted().joined(separator: " ") }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let scopes = requested.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !scopes.isEmpty,
            scopes.allSatisfy({ token in
                token.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7E && $0 != "\"" && $0 != "\\" }
            })
        else {
            throw OAuthError(code: "invalid_scope", description: "The `scope` parameter is empty or malformed.")
        }
        if let allowed = client.allowedScopes, let refused = scopes.first(where: { !allowed.contains($0) }) {
            throw OAuthError(code: "invalid_scope", description: "The scope `\(refused)` is not allowed for this client.")
        }
        return scopes.joined(separator: " ")
    }

    /// Checks RFC 8707 resource indicators: absolute URIs without fragment, and allowed.
    private func checkResources(_ resources: [String], client: RegisteredClient) throws(OAuthError) -> [String] {
        for resource in resources {
            guard let components = URLComponents(string: resource), let scheme = components.scheme, !scheme.isEmpty,
                components.fragment == nil
            else {
                throw OAuthError(code: "invalid_target", description: "Each `resource` must be an absolute URI without a fragment.")
            }
            if let allowed = client.allowedResources, !allowed.contains(resource) {
                throw OAuthError(code: "invalid_target", description: "The resource `\(resource)` is not allowed for this client.")
            }
        }
        return resources
    }

    /// A signed JWT access token (RFC 9068), or a random opaque one in fast mode.
    private func makeAccessToken(
        client: String,
        audience: [String],
        scope: String?,
        expiresIn: Int,
        thumbprint: String?,
        now: Double
    ) throws -> String {
        if fastMode {
            return RandomToken.make(byteCount: 32)
        }
        let issuedAt = Double(Int(now))
        var claims: [String: JSONValue] = [
            "iss": .string(urls.issuer),
            "sub": .string(client),
            "client_id": .string(client),
            "iat": .number(issuedAt),
            "exp": .number(issuedAt + Double(expiresIn)),
            "jti": .string(RandomToken.make(byteCount: 16)),
        ]
        switch audience.count {
        case 0: claims["aud"] = .string(urls.issuer)
        case 1: claims["aud"] = .string(audience[0])
        default: claims["aud"] = .array(audience.map { .string($0) })
        }
        if let scope { claims["scope"] = .string(scope) }
        if let thumbprint { claims["cnf"] = .object(["jkt": .string(thumbprint)]) }
        return try signer.sign(claims: .object(claims))
    }
}
