internal import OAuthClient

/// Authorization server metadata (RFC 8414, OpenID Connect Discovery 1.0).
///
/// The same document is served at `<issuer>/.well-known/openid-configuration` and at
/// `/.well-known/oauth-authorization-server<issuer path>`.
enum Discovery {
    static func metadata(urls: IssuerCore.URLs) -> JSONValue {
        var methods: [AuthenticationMethod] = [.clientSecretBasic, .clientSecretPost, .clientSecretJWT, .privateKeyJWT, .none]
        if urls.mtlsTokenEndpoint != nil {
            methods += [.tlsClientAuth, .selfSignedTLSClientAuth]
        }
        var members: [String: JSONValue] = [
            "issuer": .string(urls.advertisedIssuer),
            "token_endpoint": .string(urls.tokenEndpoint),
            "jwks_uri": .string(urls.jwksURI),
            "grant_types_supported": .array([.string("client_credentials")]),
            "response_types_supported": .array([.string("token")]),
            "subject_types_supported": .array([.string("public")]),
            "id_token_signing_alg_values_supported": .array([.string("ES256")]),
            "token_endpoint_auth_methods_supported": .array(methods.map { .string($0.rawValue) }),
            "token_endpoint_auth_signing_alg_values_supported": .array(JWSAlgorithm.allCases.map { .string($0.rawValue) }),
            "dpop_signing_alg_values_supported": .array(JWSAlgorithm.asymmetric.map { .string($0.rawValue) }),
        ]
        if let mtls = urls.mtlsTokenEndpoint {
            members["mtls_endpoint_aliases"] = .object(["token_endpoint": .string(mtls)])
            members["tls_client_certificate_bound_access_tokens"] = .bool(false)
        }
        return .object(members)
    }
}
