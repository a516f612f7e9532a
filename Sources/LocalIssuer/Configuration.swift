extension LocalIssuer {
    /// Everything ``LocalIssuer/start(_:)`` needs: listeners, TLS, behaviour switches and clients.
    ///
    /// A struct of plain values with defaults, so a test states only what it cares about.
    public struct Configuration: Sendable {
        /// TLS material for the main listener; when set the issuer is `https`.
        public struct TLS: Sendable, Hashable {
            /// The server certificate chain, leaf first, as concatenated PEM certificates.
            public var certificateChainPEM: String
            /// The server private key as PEM (PKCS#8, SEC1 or PKCS#1).
            public var privateKeyPEM: String

            /// Creates TLS material from PEM text.
            public init(certificateChainPEM: String, privateKeyPEM: String) {
                self.certificateChainPEM = certificateChainPEM
                self.privateKeyPEM = privateKeyPEM
            }
        }

        /// A second, mutual-TLS listener for `tls_client_auth` and `self_signed_tls_client_auth`.
        ///
        /// It uses the main listener's server certificate (so ``tls`` must be set), requests a
        /// client certificate, and is advertised as `mtls_endpoint_aliases.token_endpoint` (RFC 8705 §5).
        public struct MutualTLS: Sendable, Hashable {
            /// The port to listen on; 0 picks a free one.
            public var port: Int
            /// The CA certificate(s) that `tls_client_auth` client certificates must chain to, as PEM.
            public var clientCAPEM: String

            /// Creates an mTLS listener configuration.
            public init(port: Int = 0, clientCAPEM: String) {
                self.port = port
                self.clientCAPEM = clientCAPEM
            }
        }

        /// The port of the main listener; 0 picks a free one. The host is always 127.0.0.1.
        public var port: Int
        /// A path appended to the origin to form the issuer identifier, such as `/realms/prod`; empty for none.
        public var issuerPath: String
        /// TLS for the main listener; nil serves plain http.
        public var tls: TLS?
        /// An optional mutual-TLS listener.
        public var mutualTLS: MutualTLS?
        /// Issue random opaque tokens without signing and skip optional work, for benchmarks.
        public var fastMode: Bool
        /// Serve metadata whose `issuer` differs from the real identifier, to test issuer validation.
        public var serveWrongIssuer: Bool
        /// Require a server-provided nonce in DPoP proofs (RFC 9449 §8); every response carries `DPoP-Nonce`.
        public var requireDPoPNonce: Bool
        /// The default `expires_in` of issued tokens, in seconds.
        public var defaultExpiresIn: Int
        /// The P-256 private key (PKCS#8 or SEC1 PEM) that signs access tokens; nil generates one.
        public var signingKeyPEM: String?
        /// Clients registered before the first request.
        public var clients: [RegisteredClient]
        /// Event loop threads; nil uses one per CPU core.
        public var eventLoopThreads: Int?

        /// Creates a configuration; every parameter has a default suitable for a plain-http test issuer.
        public init(
            port: Int = 0,
            issuerPath: String = "",
            tls: TLS? = nil,
            mutualTLS: MutualTLS? = nil,
            fastMode: Bool = false,
            serveWrongIssuer: Bool = false,
            requireDPoPNonce: Bool = false,
            defaultExpiresIn: Int = 3600,
            signingKeyPEM: String? = nil,
            clients: [RegisteredClient] = [],
            eventLoopThreads: Int? = nil
        ) {
            self.port = port
            self.issuerPath = issuerPath
            self.tls = tls
            self.mutualTLS = mutualTLS
            self.fastMode = fastMode
            self.serveWrongIssuer = serveWrongIssuer
            self.requireDPoPNonce = requireDPoPNonce
            self.defaultExpiresIn = defaultExpiresIn
            self.signingKeyPEM = signingKeyPEM
            self.clients = clients
            self.eventLoopThreads = eventLoopThreads
        }
    }
}
