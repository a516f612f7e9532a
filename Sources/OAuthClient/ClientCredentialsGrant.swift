import Foundation
import NIOCore
import NIOHTTP1

/// Performs the client credentials grant (RFC 6749 §4.4): the counterpart of
/// openid-client's `clientCredentialsGrant(config, parameters, options)`.
///
/// The body is the caller's parameters in order, then
/// `grant_type=client_credentials` (replacing any caller value), then the
/// client authentication parameters. With `dpop`, every request carries a fresh
/// proof, and a `use_dpop_nonce` answer is retried once with the server's
/// nonce (and a fresh client assertion).
///
/// - Throws: `ResponseBodyError` (OAuth error answer), `WWWAuthenticateChallengeError`
///   (challenge answer) or `OAuthClientError` (everything else); all conform to
///   `OAuthClientFailure`, which tells whether a retry may help.
public func clientCredentialsGrant(
    _ config: Configuration,
    parameters: TokenRequestParameters = [],
    dpop: DPoPHandle? = nil
) async throws -> TokenEndpointResponse {
    let prepared = config.prepared
    let endpoint = try prepared.tokenEndpoint.get()
    var attempt = 0
    while true {
        attempt += 1
        let now = config.options.now()
        var headers = prepared.baseHeaders
        if let dpop {
            headers.add(name: "DPoP", value: try dpop.proof(method: "POST", endpoint: endpoint, now: now))
        }
        let body = try TokenRequestBody.make(config, parameters: parameters, now: now)
        let answer = try await HTTPTransport.send(
            client: config.httpClient, method: .POST, endpoint: endpoint, headers: headers, body: body,
            tlsConfiguration: prepared.tlsConfiguration, timeout: prepared.timeout,
            maximumBodySize: config.options.maximumResponseBodySize, role: "token endpoint",
            proxy: config.options.proxy, pool: prepared.http1Pool
        )
        if let dpop, let nonce = answer.headers.first(name: "dpop-nonce"), !nonce.isEmpty {
            dpop.remember(nonce: nonce, forOrigin: endpoint.origin)
        }
        do {
            return try TokenResponseProcessing.process(answer, endpoint: endpoint, dpopUsed: dpop != nil, strict: config.options.strict)
        } catch let error where attempt == 1 && dpop != nil && TokenResponseProcessing.isUseDPoPNonce(error) {
            continue
        }
    }
}

/// Builds the form body of a token request.
enum TokenRequestBody {
    /// Parameters the client authentication sets; a caller's values for them are dropped.
    private static let reserved: Set<String> = ["grant_type", "client_id", "client_secret", "client_assertion", "client_assertion_type"]

    static func make(_ config: Configuration, parameters: TokenRequestParameters, now: Int) throws(OAuthClientError) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        for parameter in parameters.parameters where !reserved.contains(parameter.name) {
            FormEncoding.encode(pairs: CollectionOfOne((parameter.name, parameter.value)), into: &bytes)
        }
        FormEncoding.encode(pairs: CollectionOfOne(("grant_type", "client_credentials")), into: &bytes)
        switch config.clientAuthentication.method {
        case .clientSecretBasic:
            break
        case .clientSecretPost(let secret):
            FormEncoding.encode(pairs: [("client_id", config.clientID), ("client_secret", secret.value)], into: &bytes)
        case .clientSecretJWT(let key, _), .privateKeyJWT(let key, _):
            let assertion = try ClientAssertion.make(config.prepared, key: key, now: now)
            FormEncoding.encode(
                pairs: [
                    ("client_id", config.clientID),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion),
                ], into: &bytes)
        case .none, .tlsClientAuth, .selfSignedTLSClientAuth:
            FormEncoding.encode(pairs: CollectionOfOne(("client_id", config.clientID)), into: &bytes)
        }
        return ByteBuffer(bytes: bytes)
    }
}

/// JWT client assertions (RFC 7523 §2.2): a fresh one for every request.
enum ClientAssertion {
    static func make(_ prepared: Prepared, key: SigningKey, now: Int) throws(OAuthClientError) -> String {
        guard let prefix = prepared.assertionClaimsPrefix, let header = prepared.assertionHeaderSegment else {
            throw OAuthClientError(.invalidConfiguration, "the client authentication method does not use assertions")
        }
        var claims = prefix
        claims += ",\"exp\":\(now + 60),\"iat\":\(now),\"jti\":\""
        claims += JWS.randomIdentifier()
        claims += "\",\"nbf\":\(now)}"
        return try JWS.sign(headerSegment: header, claims: claims, key: key)
    }
}
