internal import Foundation
internal import NIOCore
internal import NIOSSL
internal import X509
internal import SwiftASN1

/// The mTLS listener's certificate check (RFC 8705 §2).
///
/// The TLS layer accepts any client certificate, because `self_signed_tls_client_auth`
/// certificates chain to nothing; it records whether the chain verifies against the
/// client CA (swift-certificates' RFC 5280 policy) and the subject, and the token
/// endpoint decides per registered method. The check runs on the connection's
/// event loop, never waiting for a free thread of the global concurrency pool.
enum MutualTLSVerification {
    static func verify(
        _ certificates: [NIOSSLCertificate],
        clientCAs: [Certificate],
        into box: PeerCertificateBox,
        on loop: any EventLoop,
        promise: EventLoopPromise<NIOSSLVerificationResult>
    ) {
        guard let leafDER = try? certificates.first?.toDERBytes(),
            let leaf = try? Certificate(derEncoded: leafDER)
        else {
            promise.succeed(.failed)
            return
        }
        let intermediates = certificates.dropFirst().compactMap { try? Certificate(derEncoded: $0.toDERBytes()) }
        let check: @Sendable () async -> Void = {
            var verifier = Verifier(rootCertificates: CertificateStore(clientCAs)) {
                RFC5280Policy()
            }
            let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates))
            let chains: Bool
            if case .validCertificate = result { chains = true } else { chains = false }
            let commonName = leaf.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.map {
                String(describing: $0.value)
            }
            box.set(PeerCertificate(der: leafDER, subject: leaf.subject.description, commonName: commonName, chainsToClientCA: chains))
            promise.succeed(.certificateVerified)
        }
        if #available(macOS 15, *) {
            Task(executorPreference: EventLoopTaskExecutor(loop), operation: check)
        } else {
            Task(operation: check)
        }
    }
}
