/// Every failure of OAuthClient that is not an error answer from the server's
/// OAuth layer: transport, TLS, timeouts, malformed answers, configuration and
/// key problems.
///
/// Like AsyncHTTPClient's `HTTPClientError` it wraps a code with static
/// members, so codes can be added without breaking callers; compare with
/// `error.code == .timeout`. The description is a sentence that names the
/// endpoint or issuer and never contains a secret or a token.
public struct OAuthClientError: OAuthClientFailure, CustomDebugStringConvertible {
    /// A stable, machine-readable error code; its `description` is the code's name.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case insecureURL, unsupportedURL, redirectNotFollowed, timeout, connectionFailed, tlsFailure
            case unexpectedStatus, notJSON, invalidResponse, responseTooLarge, issuerMismatch
            case invalidKey, weakKey, algorithmMismatch, unsupportedAlgorithm, invalidCertificate
            case dpopBoundTokenWithoutDPoP, dpopNotHonoured, missingTokenEndpoint, invalidConfiguration
            case cancelled, transportFailure
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The code's stable name, e.g. `timeout`.
        public var description: String { base.rawValue }

        /// An endpoint URL uses `http:` although insecure HTTP is not allowed.
        public static let insecureURL = Code(.insecureURL)
        /// An endpoint URL has a scheme other than `https:`/`http:` or cannot be parsed.
        public static let unsupportedURL = Code(.unsupportedURL)
        /// The server answered with a redirect, which is never followed.
        public static let redirectNotFollowed = Code(.redirectNotFollowed)
        /// The request did not complete within the configured timeout.
        public static let timeout = Code(.timeout)
        /// No connection could be made (refused, unreachable, DNS failure, reset).
        public static let connectionFailed = Code(.connectionFailed)
        /// The TLS handshake failed (untrusted certificate, wrong host name, rejected client certificate).
        public static let tlsFailure = Code(.tlsFailure)
        /// The server answered with a status that carries no usable OAuth error.
        public static let unexpectedStatus = Code(.unexpectedStatus)
        /// The answer body is not JSON.
        public static let notJSON = Code(.notJSON)
        /// The answer is JSON but violates the protocol (missing or mistyped members).
        public static let invalidResponse = Code(.invalidResponse)
        /// The answer body is larger than the configured cap.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// Discovered metadata names another issuer than the one configured.
        public static let issuerMismatch = Code(.issuerMismatch)
        /// Key material could not be read as a private key.
        public static let invalidKey = Code(.invalidKey)
        /// The key is too weak (RSA under 2048 bits, HMAC secret too short).
        public static let weakKey = Code(.weakKey)
        /// The requested JWS algorithm does not fit the key.
        public static let algorithmMismatch = Code(.algorithmMismatch)
        /// The JWS algorithm is not supported.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// A certificate could not be read.
        public static let invalidCertificate = Code(.invalidCertificate)
        /// The server issued a DPoP-bound token although no DPoP proof was sent.
        public static let dpopBoundTokenWithoutDPoP = Code(.dpopBoundTokenWithoutDPoP)
        /// A DPoP proof was sent but the server issued a Bearer token (strict mode).
        public static let dpopNotHonoured = Code(.dpopNotHonoured)
        /// The server metadata has no token endpoint.
        public static let missingTokenEndpoint = Code(.missingTokenEndpoint)
        /// The configuration cannot work as given.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The request was cancelled.
        public static let cancelled = Code(.cancelled)
        /// Another transport failure (HTTP framing, closed connection).
        public static let transportFailure = Code(.transportFailure)
    }

    /// The stable code of this error.
    public let code: Code
    /// A sentence a person can act on; never contains a secret or token.
    public let message: String
    /// The endpoint or issuer involved, when there is one.
    public let endpoint: String?
    /// The HTTP status of the answer, when there was one.
    public let statusCode: Int?
    /// The server's `Retry-After` as a delay, when it sent one.
    public let retryAfter: Duration?
    /// The `Location` of a redirect that was not followed.
    public let location: String?

    init(
        _ code: Code, _ message: String, endpoint: String? = nil, statusCode: Int? = nil,
        retryAfter: Duration? = nil, location: String? = nil
    ) {
        self.code = code
        self.message = message
        self.endpoint = endpoint
        self.statusCode = statusCode
        self.retryAfter = retryAfter
        self.location = location
    }

    /// Network failures, timeouts, 5xx, 408 and 429 answers may succeed later.
    public var isRetryable: Bool {
        switch code {
        case .timeout, .connectionFailed, .transportFailure: return true
        case .unexpectedStatus: return statusCode.map(RetryableStatus.isRetryable(status:)) ?? false
        default: return false
        }
    }

    /// The message.
    public var description: String { message }
    /// The code and the message.
    public var debugDescription: String { "OAuthClientError.\(code): \(message)" }
}
