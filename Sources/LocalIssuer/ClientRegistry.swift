internal import NIOConcurrencyHelpers
internal import X509
internal import SwiftASN1

/// A registered client with its credential pre-parsed and its fault counters.
struct ClientRecord: Sendable {
    let client: RegisteredClient
    /// The parsed public key for `private_key_jwt`; nil when the registered key could not be read.
    let publicKey: VerificationKey?
    /// The DER bytes of the registered certificate for `self_signed_tls_client_auth`.
    let certificateDER: [UInt8]?

    init(_ client: RegisteredClient) {
        self.client = client
        switch client.authentication {
        case .privateKeyJWT(let text):
            publicKey = JWK.publicKey(fromText: text)
            certificateDER = nil
        case .selfSignedTLSClientAuth(let pem):
            publicKey = nil
            certificateDER = (try? Certificate(pemEncoded: pem)).flatMap { try? Self.derBytes(of: $0) }
        default:
            publicKey = nil
            certificateDER = nil
        }
    }

    static func derBytes(of certificate: Certificate) throws -> [UInt8] {
        try certificate.serializeAsPEM().derBytes
    }
}

/// The clients of one issuer, safe to read from every event loop.
final class ClientRegistry: Sendable {
    private struct State {
        var records: [String: ClientRecord] = [:]
        /// Remaining applications of each counted fault, by client id and fault index.
        var remaining: [String: [Int?]] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Adds or replaces clients; replacing resets their fault counters.
    func register(_ clients: some Sequence<RegisteredClient>) {
        let records = clients.map(ClientRecord.init)
        state.withLockedValue { state in
            state.records.reserveCapacity(state.records.count + records.count)
            for record in records {
                state.records[record.client.id] = record
                if record.client.faults.isEmpty {
                    state.remaining[record.client.id] = nil
                } else {
                    state.remaining[record.client.id] = record.client.faults.map(\.countedTimes)
                }
            }
        }
    }

    /// The client with this id, if registered.
    func record(for id: String) -> ClientRecord? {
        state.withLockedValue { $0.records[id] }
    }

    /// Decides the faults for one request of `id`: the total delay, the
    /// concurrency barrier (0 for none) and the response-shaping fault, if any.
    ///
    /// Counted faults are consumed here, so each call is one request.
    func takeFaults(for id: String) -> (delay: Duration, barrier: Int, fault: Fault?) {
        state.withLockedValue { state in
            guard let record = state.records[id], var remaining = state.remaining[id] else {
                return (.zero, 0, nil)
            }
            var delay = Duration.zero
            var barrier = 0
            var chosen: Fault?
            for (index, fault) in record.client.faults.enumerated() {
                if case .delay(let amount) = fault {
                    delay += amount
                    continue
                }
                if case .waitForConcurrentRequests(let count) = fault {
                    barrier = max(barrier, count)
                    continue
                }
                guard chosen == nil else { continue }
                if let left = remaining[index] {
                    guard left > 0 else { continue }
                    remaining[index] = left - 1
                }
                chosen = fault
            }
            state.remaining[id] = remaining
            return (delay, barrier, chosen)
        }
    }
}
