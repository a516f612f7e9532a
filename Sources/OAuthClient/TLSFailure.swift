import NIOSSL

/// What went wrong in a TLS connection, read from NIOSSL's error values (the
/// error type, its case and the BoringSSL reason codes inside it), so the
/// message can say it in plain words instead of BoringSSL's text.
enum TLSFailure: Equatable {
    /// The server did not answer with TLS: the port most likely speaks plain HTTP.
    case notTLS
    /// The server's certificate does not chain to a trusted CA (or is expired or otherwise invalid).
    case untrustedCertificate
    /// The server's certificate does not name the host that was connected to.
    case hostnameMismatch
    /// The server refused the client certificate (or wanted one and got none).
    case clientCertificateRefused
    /// Another TLS failure; `reason` is BoringSSL's reason code when there is one.
    case other(reason: UInt32?)

    /// The failure `error` describes, or nil when it is not a TLS error.
    init?(_ error: any Error) {
        if let extra = error as? NIOSSLExtraError {
            self = extra == .failedToValidateHostname || extra == .serverHostnameImpossibleToMatch ? .hostnameMismatch : .other(reason: nil)
            return
        }
        let stack: NIOBoringSSLErrorStack
        switch error {
        case NIOSSLError.handshakeFailed(let boringError), NIOSSLError.shutdownFailed(let boringError):
            stack = Self.stack(of: boringError)
        case let boringError as BoringSSLError:
            stack = Self.stack(of: boringError)
        case is NIOSSLError:
            self = .other(reason: nil)
            return
        default:
            return nil
        }
        if stack.contains(.eofDuringHandshake) {
            self = .notTLS
            return
        }
        let reasons = stack.compactMap(Self.sslReason)
        if let reason = reasons.first(where: { Self.classified[$0] != nil }), let kind = Self.classified[reason] {
            self = kind
        } else {
            self = .other(reason: reasons.first)
        }
    }

    /// BoringSSL's `SSL_R_*` reason codes (include/openssl/ssl.h) this type names.
    private static let classified: [UInt32: TLSFailure] = [
        247: .notTLS,  // SSL_R_WRONG_VERSION_NUMBER: the first bytes were not a TLS record
        200: .notTLS,  // SSL_R_RECORD_TOO_LARGE: "HTTP/1.1 …" read as a TLS record header
        125: .untrustedCertificate,  // SSL_R_CERTIFICATE_VERIFY_FAILED
        1042: .clientCertificateRefused,  // SSL_R_SSLV3_ALERT_BAD_CERTIFICATE
        1043: .clientCertificateRefused,  // SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE
        1044: .clientCertificateRefused,  // SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED
        1045: .clientCertificateRefused,  // SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED
        1046: .clientCertificateRefused,  // SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN
        1048: .clientCertificateRefused,  // SSL_R_TLSV1_ALERT_UNKNOWN_CA
        1049: .clientCertificateRefused,  // SSL_R_TLSV1_ALERT_ACCESS_DENIED
        1116: .clientCertificateRefused,  // SSL_R_TLSV1_ALERT_CERTIFICATE_REQUIRED
    ]

    private static func stack(of error: BoringSSLError) -> NIOBoringSSLErrorStack {
        switch error {
        case .sslError(let stack), .unknownError(let stack), .invalidSNIName(let stack), .failedToSetALPN(let stack): stack
        default: []
        }
    }

    /// `ERR_LIB_SSL` in BoringSSL's packed error codes (`lib << 24 | reason`).
    private static let sslLibrary: UInt32 = 16

    /// The `SSL_R_*` reason of one BoringSSL error, when it comes from the SSL library.
    ///
    /// NIOSSL keeps the packed code in a private stored value and exposes it
    /// only inside its description; the value is read by reflection instead of
    /// parsing that text. Nil when the layout is not the expected one.
    private static func sslReason(_ error: BoringSSLInternalError) -> UInt32? {
        guard let backing = Mirror(reflecting: error).children.first(where: { $0.label == "backing" })?.value,
            let payload = Mirror(reflecting: backing).children.first?.value,
            let packed = Mirror(reflecting: payload).children.first?.value as? UInt32
        else { return nil }
        guard packed >> 24 == sslLibrary else { return nil }
        return packed & 0xFFF
    }

    /// A sentence about the failure with `role` at `url`, saying what to do; never contains request content.
    func message(role: String, url: String, host: String?) -> String {
        switch self {
        case .notTLS:
            return
                "the \(role) \(url) did not answer with TLS: that port seems to speak plain HTTP; use the server's HTTPS port, or http:// with allow_insecure_http for local testing"
        case .untrustedCertificate:
            return
                "the certificate of the \(role) \(url) is not trusted (unknown CA, expired or otherwise invalid); if a private CA signs it, name that CA's certificate in the issuer's ca_file (--ca-file for `tokensmith token`)"
        case .hostnameMismatch:
            let name = host.map { " \($0)" } ?? ""
            return
                "the certificate of the \(role) \(url) is not valid for the host name\(name); use the host name the certificate was issued for"
        case .clientCertificateRefused:
            return
                "the \(role) \(url) refused the client certificate; check that it is the certificate registered for this client and that it chains to a CA the server trusts"
        case .other(let reason):
            let code = reason.map { " (BoringSSL reason \($0))" } ?? ""
            return
                "the TLS handshake with the \(role) \(url) failed\(code); check the server certificate, the trusted CA files and the client certificate"
        }
    }
}
