package import OAuthClient

/// One entry of the manifest's `clients` list, fully resolved.
package struct ClientDefinition: Sendable {
    /// The unique name, used in file names, env keys and `--only`.
    package var name: String
    /// The name of its issuer under `issuers`.
    package var issuerName: String
    /// The OAuth `client_id`.
    package var clientID: String
    /// The ready OAuthClient authentication, built from the `auth` block once,
    /// when the manifest was loaded: secret resolved, keys parsed, assertion
    /// options set. Every grant of the client uses this value.
    package let authentication: ClientAuthentication
    /// Where the client secret came from (`secret`, `secret_file`, an
    /// environment reference); nil for methods without one.
    package var secretSource: SecretSource?
    /// Requested scopes, in order (`scope`).
    package var scope: [String]
    /// RFC 8707 resource indicators, absolute URIs (`resource`).
    package var resource: [String]
    /// `audience` parameter values (Auth0, Okta).
    package var audience: [String]
    /// Extra token request parameters, in order; a list value repeats the name (`params`).
    package var params: [TokenRequestParameters.Parameter]
    /// DPoP settings, nil when DPoP is off.
    package var dpop: DPoPDefinition?
    /// defaults ← issuer ← client settings.
    package var settings: EffectiveSettings
    /// The per-client outputs.
    package var outputs: [OutputSpec]
    /// A stable hex hash of everything that defines this client's token request
    /// (issuer, client id, method, scope, resource, audience, params, DPoP, and
    /// hashes of the secret and key files): when it changes, cached tokens are stale.
    package var fingerprint: String
    /// Where the client is defined (its list item).
    package var location: SourceLocation

    /// Creates a client definition; normally built by ``ManifestLoader``.
    ///
    /// `auth` is the resolved `auth` block; only its secret's source is kept
    /// beside the ready authentication (10,000 clients stay narrow). Without
    /// `authentication` it is built from `auth`, which must then hold
    /// the secret, key or TLS identity its method needs (a programming error
    /// otherwise: the loader reports a missing credential as a manifest error
    /// and returns no manifest).
    package init(
        name: String, issuerName: String, clientID: String, auth: ClientAuthDefinition,
        authentication: ClientAuthentication? = nil, scope: [String] = [],
        resource: [String] = [], audience: [String] = [], params: [TokenRequestParameters.Parameter] = [],
        dpop: DPoPDefinition? = nil, settings: EffectiveSettings = Defaults.builtIn.settings,
        outputs: [OutputSpec] = [], fingerprint: String = "", location: SourceLocation
    ) {
        self.name = name
        self.issuerName = issuerName
        self.clientID = clientID
        self.secretSource = auth.secretSource
        guard let authentication = authentication ?? auth.clientAuthentication() else {
            preconditionFailure("client `\(name)`: `\(auth.method.rawValue)` needs a secret, key or TLS identity")
        }
        self.authentication = authentication
        self.scope = scope
        self.resource = resource
        self.audience = audience
        self.params = params
        self.dpop = dpop
        self.settings = settings
        self.outputs = outputs
        self.fingerprint = fingerprint
        self.location = location
    }

    /// The authentication method, as the manifest names it.
    package var authMethod: AuthMethod {
        guard let method = AuthMethod(rawValue: authentication.methodName) else {
            preconditionFailure("OAuthClient method `\(authentication.methodName)` has no manifest name")
        }
        return method
    }

    /// The grant's request parameters in a stable order: `scope`, each
    /// `resource`, each `audience`, then `params` (OAuthClient adds
    /// `grant_type` and the authentication parameters).
    package var tokenRequestParameters: TokenRequestParameters {
        var parameters = TokenRequestParameters()
        if !scope.isEmpty { parameters.setScope(scope) }
        for value in resource { parameters.addResource(value) }
        for value in audience { parameters.addAudience(value) }
        for parameter in params { parameters.append(parameter.name, parameter.value) }
        return parameters
    }
}
