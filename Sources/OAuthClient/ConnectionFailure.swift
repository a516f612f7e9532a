import Foundation
import NIOCore
import NIOPosix

/// Why no connection could be made, read from SwiftNIO's error values
/// (`NIOConnectionError`, `IOError`, `SocketAddressError`) rather than from
/// their descriptions.
struct ConnectionFailure: Equatable {
    /// A few words for the message: `connection refused`, `the host name did not resolve`, …
    let reason: String

    /// The failure `error` describes, or nil when it is not a connection failure.
    init?(_ error: any Error) {
        switch error {
        case let connection as NIOConnectionError:
            if let first = connection.connectionErrors.first {
                self.reason = ConnectionFailure(first.error)?.reason ?? LogSafe.truncate("\(first.error)", limit: 200)
            } else if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                self.reason = "the host name \(connection.host) did not resolve"
            } else {
                self.reason = "no address to connect to for \(connection.host)"
            }
        case let io as IOError:
            self.reason = Self.reason(errno: io.errnoCode)
        case let address as SocketAddressError:
            switch address {
            case .unknown(let host, _): self.reason = "the host name \(host) did not resolve"
            default: self.reason = LogSafe.truncate("\(address)", limit: 200)
            }
        default:
            return nil
        }
    }

    /// `connection refused` and the like, from the system's `errno`.
    private static func reason(errno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET: "connection reset"
        case ENETUNREACH, EHOSTUNREACH: "host unreachable"
        case ETIMEDOUT: "connection timed out"
        default: String(cString: strerror(code))
        }
    }
}
