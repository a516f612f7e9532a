internal import NIOConcurrencyHelpers

/// A snapshot of what the issuer has seen since it started or since ``LocalIssuer/resetStatistics()``.
///
/// Tests use it to prove client behaviour that is invisible in the responses: one
/// discovery per issuer, bounded concurrency, which authentication method and
/// assertion audience a client really sent, whether DPoP proofs were attached.
public struct Statistics: Sendable, Hashable {
    /// Requests per URL path (query removed), all listeners together.
    public var requestsByPath: [String: Int] = [:]
    /// Token endpoint requests per client id, counted once the client id is known (also when authentication fails).
    public var tokenRequestsByClient: [String: Int] = [:]
    /// Access tokens issued per client id.
    public var tokensIssuedByClient: [String: Int] = [:]
    /// Metadata requests on either discovery path.
    public var discoveryRequests: Int = 0
    /// The highest number of token requests in flight at the same time.
    public var maxConcurrentTokenRequests: Int = 0
    /// The authentication method each client used on its last authenticated request.
    public var authenticationMethodByClient: [String: AuthenticationMethod] = [:]
    /// The `aud` value that matched in each client's last accepted JWT assertion (issuer or token endpoint URL).
    public var assertionAudienceByClient: [String: String] = [:]
    /// DPoP proofs received (valid or not).
    public var dpopProofs: Int = 0
    /// DPoP proofs accepted per client id.
    public var dpopProofsByClient: [String: Int] = [:]

    /// The number of requests on all paths.
    public var totalRequests: Int { requestsByPath.values.reduce(0, +) }
    /// The number of token endpoint requests of all clients.
    public var totalTokenRequests: Int { tokenRequestsByClient.values.reduce(0, +) }

    /// Creates an empty snapshot.
    public init() {}
}

/// The thread-safe counters behind ``Statistics``.
///
/// One short critical section per event; in-flight tracking shares the lock with the
/// counters so the maximum is exact.
final class StatisticsRecorder: Sendable {
    private struct State {
        var statistics = Statistics()
        var inFlight = 0
    }

    private let state = NIOLockedValueBox(State())

    func snapshot() -> Statistics {
        state.withLockedValue { $0.statistics }
    }

    func reset() {
        state.withLockedValue { state in
            state.statistics = Statistics()
            state.statistics.maxConcurrentTokenRequests = state.inFlight
        }
    }

    func requestReceived(path: String, isDiscovery: Bool, isToken: Bool) {
        state.withLockedValue { state in
            state.statistics.requestsByPath[path, default: 0] += 1
            if isDiscovery { state.statistics.discoveryRequests += 1 }
            if isToken {
                state.inFlight += 1
                if state.inFlight > state.statistics.maxConcurrentTokenRequests {
                    state.statistics.maxConcurrentTokenRequests = state.inFlight
                }
            }
        }
    }

    func tokenRequestFinished() {
        state.withLockedValue { $0.inFlight -= 1 }
    }

    func dpopProofReceived() {
        state.withLockedValue { $0.statistics.dpopProofs += 1 }
    }

    /// Records the outcome of one token request for a known client id.
    func tokenRequest(
        client: String,
        method: AuthenticationMethod?,
        audience: String?,
        dpopAccepted: Bool,
        issued: Bool
    ) {
        state.withLockedValue { state in
            state.statistics.tokenRequestsByClient[client, default: 0] += 1
            if let method { state.statistics.authenticationMethodByClient[client] = method }
            if let audience { state.statistics.assertionAudienceByClient[client] = audience }
            if dpopAccepted { state.statistics.dpopProofsByClient[client, default: 0] += 1 }
            if issued { state.statistics.tokensIssuedByClient[client, default: 0] += 1 }
        }
    }
}
