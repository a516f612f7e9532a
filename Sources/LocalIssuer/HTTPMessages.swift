internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOHTTP1
internal import OAuthClient

/// Which listener a request arrived on.
enum Listener: Sendable {
    case main
    case mutualTLS
}

/// What the TLS layer learnt about the client certificate on the mTLS listener.
struct PeerCertificate: Sendable {
    /// The leaf certificate, DER.
    let der: [UInt8]
    /// The subject DN in RFC 4514 form (`CN=a,O=b`).
    let subject: String
    /// The subject's common name, if any.
    let commonName: String?
    /// Whether the chain verified against the configured client CA.
    let chainsToClientCA: Bool
}

/// A per-connection slot the TLS verification callback fills and the HTTP handler reads.
final class PeerCertificateBox: Sendable {
    private let value = NIOLockedValueBox<PeerCertificate?>(nil)

    func set(_ certificate: PeerCertificate) {
        value.withLockedValue { $0 = certificate }
    }

    func get() -> PeerCertificate? {
        value.withLockedValue { $0 }
    }
}

/// A complete request as the endpoints see it.
struct IncomingRequest {
    let method: HTTPMethod
    let path: String
    let headers: HTTPHeaders
    let body: ByteBuffer?
    let listener: Listener
    let peerCertificate: PeerCertificate?
}

/// A complete response, before faults like delays are applied.
struct OutgoingResponse {
    var status: HTTPResponseStatus
    var headers: [(String, String)]
    var body: String

    /// A JSON response with the usual no-store cache headers of the token endpoint.
    static func json(_ status: HTTPResponseStatus, _ body: String, headers: [(String, String)] = []) -> OutgoingResponse {
        OutgoingResponse(
            status: status,
            headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")] + headers,
            body: body
        )
    }
}

/// What the connection handler does for one request.
enum ResponseAction {
    /// Send this response.
    case respond(OutgoingResponse)
    /// Close the connection without answering.
    case closeConnection
    /// Send this head and first bytes, then a chunk every interval until the client goes away.
    case streamForever(OutgoingResponse, chunkInterval: Duration)
}

/// The decision for one request: what to do, and how long to wait first.
struct Reply {
    var delay: Duration = .zero
    /// Answer only once this many token requests have been in flight together (0: no barrier).
    var barrier = 0
    var action: ResponseAction

    init(delay: Duration = .zero, _ action: ResponseAction) {
        self.delay = delay
        self.action = action
    }

    init(_ response: OutgoingResponse) {
        self.action = .respond(response)
    }
}

/// An RFC 6749 §5.2 error response.
struct OAuthError: Error {
    var code: String
    var description: String
    var status: HTTPResponseStatus = .badRequest
    var headers: [(String, String)] = []

    static func invalidRequest(_ description: String) -> OAuthError {
        OAuthError(code: "invalid_request", description: description)
    }

    /// `invalid_client`: 401, with a Basic challenge when the client tried Basic (RFC 6749 §5.2).
    static func invalidClient(_ description: String, triedBasic: Bool) -> OAuthError {
        OAuthError(
            code: "invalid_client",
            description: description,
            status: .unauthorized,
            headers: triedBasic ? [("WWW-Authenticate", "Basic realm=\"local-issuer\", charset=\"UTF-8\"")] : []
        )
    }

    static func invalidDPoPProof(_ description: String) -> OAuthError {
        OAuthError(code: "invalid_dpop_proof", description: description)
    }

    var response: OutgoingResponse {
        .json(
            status,
            "{\"error\":\(JSONWriter.quoted(code)),\"error_description\":\(JSONWriter.quoted(description))}",
            headers: headers
        )
    }
}
