internal import NIOHTTP1
internal import OAuthClient

/// The request parameters of a token request, by name, in arrival order per name.
struct FormParameters {
    /// Parameters that may appear more than once (RFC 8707 `resource`, RFC 8693 `audience`).
    static let repeatable: Set<String> = ["resource", "audience"]

    private(set) var values: [String: [String]] = [:]

    /// Collects pairs; throws `invalid_request` when a single-valued parameter repeats (RFC 6749 §3.2).
    init(_ pairs: [(name: String, value: String)]) throws(OAuthError) {
        for (name, value) in pairs {
            if values[name] != nil, !Self.repeatable.contains(name) {
                throw .invalidRequest("The parameter `\(name)` is repeated.")
            }
            values[name, default: []].append(value)
        }
    }

    subscript(_ name: String) -> String? {
        values[name]?.first
    }
}

/// The result of authenticating a token request's client.
struct AuthenticatedClient {
    let record: ClientRecord
    let method: AuthenticationMethod
    /// The `aud` value that matched, for JWT assertions.
    let assertionAudience: String?
}

/// Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523 §3, RFC 8705 §2).
///
/// Each check fails on its own with an RFC 6749 §5.2 error. The client id is reported
/// even when authentication fails, so statistics count the attempt.
struct ClientAuthenticationVerifier {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// Allowed clock difference for `exp`/`nbf`, seconds.
    static let skew: Double = 5
    /// How far in the future `iat` may be, seconds.
    static let maxFutureIssuedAt: Double = 60

    let core: IssuerCore

    /// Authenticates the client; `clientID` is set whenever the request named one.
    func authenticate(
        _ request: IncomingRequest,
        parameters: FormParameters,
        now: Double,
        clientID: inout String?
    ) throws(OAuthError) -> AuthenticatedClient {
        let authorization = request.headers["Authorization"]
        guard authorization.count <= 1 else {
            throw .invalidRequest("More than one Authorization header.")
        }
        var basic: (id: String, secret: String)?
        if let header = authorization.first {
            basic = try Self.parseBasic(header)
        }
        let triedBasic = basic != nil
        let usesPost = parameters["client_secret"] != nil
        let usesAssertion = parameters["client_assertion"] != nil || parameters["client_assertion_type"] != nil
        let methodsUsed = (triedBasic ? 1 : 0) + (usesPost ? 1 : 0) + (usesAssertion ? 1 : 0)
        guard methodsUsed <= 1 else {
            throw .invalidRequest("The request uses more than one client authentication method.")
        }

        if let basic {
            clientID = basic.id
            if let bodyID = parameters["client_id"], bodyID != basic.id {
                throw .invalidRequest("`client_id` in the body differs from the id in the Authorization header.")
            }
            let record = try lookUp(basic.id, triedBasic: true)
            guard case .clientSecretBasic(let secret) = record.client.authentication else {
                throw mismatch(record, used: .clientSecretBasic, triedBasic: true)
            }
            guard Self.constantTimeEquals(secret, basic.secret) else {
                throw .invalidClient("Client authentication failed: wrong client secret.", triedBasic: true)
            }
            return AuthenticatedClient(record: record, method: .clientSecretBasic, assertionAudience: nil)
        }

        if usesAssertion {
            return try authenticateAssertion(parameters: parameters, now: now, clientID: &clientID)
        }

        guard let id = parameters["client_id"] else {
            throw .invalidClient("No client authentication: send credentials or at least `client_id`.", triedBasic: false)
        }
        clientID = id
        let record = try lookUp(id, triedBasic: false)

        if usesPost {
            guard case .clientSecretPost(let secret) = record.client.authentication else {
                throw mismatch(record, used: .clientSecretPost, triedBasic: false)
            }
            guard Self.constantTimeEquals(secret, parameters["client_secret"] ?? "") else {
                throw .invalidClient("Client authentication failed: wrong client secret.", triedBasic: false)
            }
            return AuthenticatedClient(record: record, method: .clientSecretPost, assertionAudience: nil)
        }

        switch record.client.authentication {
        case .none:
            return AuthenticatedClient(record: record, method: .none, assertionAudience: nil)
        case .tlsClientAuth(let subject):
            guard request.listener == .mutualTLS else {
                throw .invalidClient("This client uses tls_client_auth; send the request to the mTLS endpoint.", triedBasic: false)
            }
            guard let peer = request.peerCertificate else {
                throw .invalidClient("No client certificate was presented in the TLS handshake.", triedBasic: false)
            }
            guard peer.chainsToClientCA else {
                throw .invalidClient("The client certificate does not chain to the trusted client CA.", triedBasic: false)
            }
            guard subject == peer.subject || subject == peer.commonName || subject == peer.commonName.map({ "CN=" + $0 }) else {
                throw .invalidClient("The client certificate subject does not match the registered subject.", triedBasic: false)
            }
            return AuthenticatedClient(record: record, method: .tlsClientAuth, assertionAudience: nil)
        case .selfSignedTLSClientAuth:
            guard request.listener == .mutualTLS else {
                throw .invalidClient(
                    "This client uses self_signed_tls_client_auth; send the request to the mTLS endpoint.", triedBasic: false)
            }
            guard let peer = request.peerCertificate else {
                throw .invalidClient("No client certificate was presented in the TLS handshake.", triedBasic: false)
            }
            guard let registered = record.certificateDER, registered == peer.der else {
                throw .invalidClient("The client certificate is not the registered certificate.", triedBasic: false)
            }
            return AuthenticatedClient(record: record, method: .selfSignedTLSClientAuth, assertionAudience: nil)
        default:
            throw .invalidClient(
                "Client authentication failed: this client is registered for \(record.client.authentication.method.rawValue) but sent no credentials.",
                triedBasic: false)
        }
    }

    private func authenticateAssertion(
        parameters: FormParameters,
        now: Double,
        clientID: inout String?
    ) throws(OAuthError) -> AuthenticatedClient {
        guard let type = parameters["client_assertion_type"], let assertion = parameters["client_assertion"] else {
            throw .invalidRequest("`client_assertion` and `client_assertion_type` must be sent together.")
        }
        clientID = parameters["client_id"]
        guard type == Self.assertionType else {
            throw .invalidClient("Unsupported `client_assertion_type`; use \(Self.assertionType).", triedBasic: false)
        }
        guard let jws = CompactJWS(assertion) else {
            throw .invalidClient("The client assertion is not a compact JWS of JSON objects.", triedBasic: false)
        }
        guard let subject = jws.claims["sub"]?.stringValue else {
            throw .invalidClient("The client assertion has no `sub` claim.", triedBasic: false)
        }
        if let bodyID = parameters["client_id"], bodyID != subject {
            throw .invalidClient("`client_id` differs from the assertion's `sub`.", triedBasic: false)
        }
        clientID = subject
        let record = try lookUp(subject, triedBasic: false)
        guard let algorithm = jws.algorithm else {
            throw .invalidClient("The client assertion's `alg` is missing or not supported.", triedBasic: false)
        }
        let method: AuthenticationMethod
        let key: VerificationKey
        switch record.client.authentication {
        case .clientSecretJWT(let secret):
            method = .clientSecretJWT
            guard JWSAlgorithm.symmetric.contains(algorithm) else {
                throw .invalidClient("client_secret_jwt assertions must use HS256, HS384 or HS512.", triedBasic: false)
            }
            key = .hmac(Array(secret.utf8))
        case .privateKeyJWT:
            method = .privateKeyJWT
            guard JWSAlgorithm.asymmetric.contains(algorithm) else {
                throw .invalidClient("private_key_jwt assertions must use an asymmetric algorithm.", triedBasic: false)
            }
            guard let publicKey = record.publicKey else {
                throw .invalidClient("The registered public key of this client could not be read.", triedBasic: false)
            }
            key = publicKey
        default:
            throw mismatch(record, used: JWSAlgorithm.symmetric.contains(algorithm) ? .clientSecretJWT : .privateKeyJWT, triedBasic: false)
        }
        guard key.isValid(signature: jws.signature, over: jws.signingInput, algorithm: algorithm) else {
            throw .invalidClient("The client assertion signature is invalid for the registered key and `alg`.", triedBasic: false)
        }
        guard jws.claims["iss"]?.stringValue == record.client.id else {
            throw .invalidClient("The client assertion's `iss` must be the client id.", triedBasic: false)
        }
        let audiences: [String]
        switch jws.claims["aud"] {
        case .string(let value)?: audiences = [value]
        case .array(let values)?: audiences = values.compactMap(\.stringValue)
        default: audiences = []
        }
        let accepted = [core.urls.issuer, core.urls.tokenEndpoint] + (core.urls.mtlsTokenEndpoint.map { [$0] } ?? [])
        guard let audience = audiences.first(where: accepted.contains) else {
            throw .invalidClient("The client assertion's `aud` must be the issuer identifier or the token endpoint URL.", triedBasic: false)
        }
        guard let exp = jws.claims["exp"]?.numberValue else {
            throw .invalidClient("The client assertion has no numeric `exp`.", triedBasic: false)
        }
        guard exp > now - Self.skew else {
            throw .invalidClient("The client assertion has expired.", triedBasic: false)
        }
        if let nbf = jws.claims["nbf"] {
            guard let value = nbf.numberValue, value <= now + Self.skew else {
                throw .invalidClient("The client assertion is not valid yet (`nbf`).", triedBasic: false)
            }
        }
        if let iat = jws.claims["iat"] {
            guard let value = iat.numberValue, value <= now + Self.maxFutureIssuedAt else {
                throw .invalidClient("The client assertion's `iat` is in the future.", triedBasic: false)
            }
        }
        guard let jti = jws.claims["jti"]?.stringValue, !jti.isEmpty else {
            throw .invalidClient("The client assertion has no `jti`.", triedBasic: false)
        }
        guard core.assertionReplay.insert(record.client.id + "\u{0}" + jti, expiresAt: exp + Self.skew, now: now) else {
            throw .invalidClient("The client assertion was already used (replayed `jti`).", triedBasic: false)
        }
        return AuthenticatedClient(record: record, method: method, assertionAudience: audience)
    }

    private func lookUp(_ id: String, triedBasic: Bool) throws(OAuthError) -> ClientRecord {
        guard let record = core.registry.record(for: id) else {
            throw .invalidClient("Client authentication failed: unknown client.", triedBasic: triedBasic)
        }
        return record
    }

    private func mismatch(_ record: ClientRecord, used: AuthenticationMethod, triedBasic: Bool) -> OAuthError {
        .invalidClient(
            "Client authentication failed: the client is registered for \(record.client.authentication.method.rawValue), not \(used.rawValue).",
            triedBasic: triedBasic
        )
    }

    /// Decodes `Basic base64(formEncode(id) ":" formEncode(secret))`; other schemes are an `invalid_request`.
    static func parseBasic(_ header: String) throws(OAuthError) -> (id: String, secret: String) {
        let bytes = Array(header.utf8)
        guard bytes.count > 6, String(decoding: bytes[0..<6], as: UTF8.self).lowercased() == "basic " else {
            throw .invalidRequest("Only the Basic scheme is accepted in the Authorization header of a token request.")
        }
        var start = 6
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        guard let decoded = Base64URL.strictDecodeStandard(bytes[start...]),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
            let id = FormURLEncoding.decodeComponent(decoded[..<colon]),
            let secret = FormURLEncoding.decodeComponent(decoded[(colon + 1)...])
        else {
            throw .invalidClient("The Basic credentials are not base64 of form-encoded `id:secret`.", triedBasic: true)
        }
        return (id, secret)
    }

    /// Compares secrets in time independent of where they differ.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }
}
