import Foundation
import NIOCore
import NIOHTTP1
import OAuthClient

/// One token endpoint answer through the client's checks.
///
/// Fields: status choice, flags (DPoP used, strict), `Content-Type`,
/// `WWW-Authenticate`, `Retry-After`, body. Properties: an accepted answer
/// holds a usable token of a supported type and its description hides it; a
/// refused answer's message never repeats a token the body carried and stays
/// short enough for a log line, however large the body.
enum TokenResponseTarget {
    static let statuses = [200, 200, 200, 200, 400, 401, 403, 429, 500, 503, 302, 307, 201, 204, 404, 599]
    static let endpoint = try! Endpoint(
        URL(string: "https://issuer.example/oauth/token")!, allowInsecureHTTP: false, role: "token endpoint")
    static let receivedAt = Date(timeIntervalSince1970: 1_800_000_000)
    /// Longest message a refused answer may produce.
    static let maximumMessageBytes = 2048

    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        var fields = FuzzFields(input)
        let status = statuses[Int(fields.byte()) % statuses.count]
        let flags = fields.byte()
        let dpopUsed = flags & 1 != 0
        let strict = flags & 2 != 0
        var headers = HTTPHeaders()
        let contentType = fields.text()
        if flags & 4 == 0 { headers.add(name: "content-type", value: contentType.isEmpty ? "application/json" : contentType) }
        let challenge = fields.text()
        if !challenge.isEmpty { headers.add(name: "www-authenticate", value: challenge) }
        let retryAfter = fields.text()
        if !retryAfter.isEmpty { headers.add(name: "retry-after", value: retryAfter) }
        let body = fields.bytes()
        let answer = HTTPAnswer(status: status, headers: headers, body: ByteBuffer(bytes: body), receivedAt: receivedAt)
        // A header is quoted in messages by design (cut short); a token that
        // also sits in one is not counted as the body's.
        let headerText = contentType + challenge + retryAfter
        let tokens = tokensCarried(in: body).filter { !headerText.contains($0) }

        let response: TokenEndpointResponse
        do {
            response = try TokenResponseProcessing.process(answer, endpoint: endpoint, dpopUsed: dpopUsed, strict: strict)
        } catch {
            let message = String(describing: error)
            for token in tokens where message.contains(token) {
                throw FuzzFinding("the refusal message repeats a token from the body: \(message)")
            }
            guard message.utf8.count <= maximumMessageBytes else {
                throw FuzzFinding("the refusal message is \(message.utf8.count) bytes long: \(message.prefix(300))…")
            }
            return
        }
        guard status == 200 else { throw FuzzFinding("HTTP \(status) was accepted as a token response") }
        guard !response.accessToken.isEmpty else { throw FuzzFinding("an empty access token was accepted") }
        guard response.tokenType == "bearer" || response.tokenType == "dpop" else {
            throw FuzzFinding("the token type \(response.tokenType) was accepted")
        }
        if !dpopUsed, response.isDPoPBound { throw FuzzFinding("a DPoP-bound token was accepted without a DPoP proof") }
        if dpopUsed, strict, !response.isDPoPBound { throw FuzzFinding("strict mode accepted a Bearer token for a DPoP request") }
        if let expiresIn = response.expiresIn, expiresIn < 0 { throw FuzzFinding("a negative lifetime was accepted") }
        let shown = response.description + String(reflecting: response) + response.warnings.joined()
        if response.accessToken.utf8.count >= 8, shown.contains(response.accessToken) {
            throw FuzzFinding("the response's description shows its access token")
        }
    }

    /// Token values in the body (read with Foundation's parser, independent of
    /// the client's own) that occur exactly once, so any echo is a leak.
    static func tokensCarried(in body: [UInt8]) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) as? [String: Any] else {
            return []
        }
        let text = String(decoding: body, as: UTF8.self)
        return ["access_token", "refresh_token", "id_token"].compactMap { name in
            guard let value = object[name] as? String, value.utf8.count >= 8 else { return nil }
            return text.components(separatedBy: value).count == 2 ? value : nil
        }
    }
}
