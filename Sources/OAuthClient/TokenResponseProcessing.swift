import Foundation
import NIOCore
import NIOHTTP1

/// The response checks shared by the grant and discovery: the successful
/// response (RFC 6749 §5.1), the error response (RFC 6749 §5.2) and
/// `WWW-Authenticate` challenges (RFC 6750 §3, RFC 9449 §7.1).
package enum TokenResponseProcessing {
    package static func process(_ answer: HTTPAnswer, endpoint: Endpoint, dpopUsed: Bool, strict: Bool) throws -> TokenEndpointResponse {
        guard answer.status == 200 else {
            throw errorForNon200(answer, endpoint: endpoint, role: "token endpoint")
        }
        let members = try jsonObject(answer, endpoint: endpoint, role: "token endpoint")
        if case .string(let error)? = members["error"] {
            throw ResponseBodyError(members, error: error, status: 200, endpoint: endpoint, retryAfter: answer.retryAfter)
        }
        var response = try TokenEndpointResponse(json: members, receivedAt: answer.receivedAt, endpoint: endpoint.url)
        if response.idToken != nil {
            response.warnings.append(
                "the token endpoint \(endpoint.url) returned an id_token, which is not validated by this client; do not rely on its claims")
        }
        if dpopUsed, response.tokenType == "bearer" {
            let message =
                "a DPoP proof was sent to \(endpoint.url) but the server issued a Bearer token, so the token is not bound to the DPoP key; check that DPoP is enabled for this client at the server"
            if strict {
                throw OAuthClientError(.dpopNotHonoured, message, endpoint: endpoint.url, statusCode: 200)
            }
            response.warnings.append(message)
        }
        if !dpopUsed, response.tokenType == "dpop" {
            throw OAuthClientError(
                .dpopBoundTokenWithoutDPoP,
                "the token endpoint \(endpoint.url) issued a DPoP-bound token although no DPoP proof was sent; the token is unusable, so enable DPoP for this client",
                endpoint: endpoint.url, statusCode: 200
            )
        }
        return response
    }

    /// A non-200 answer: a `WWW-Authenticate` challenge first (RFC 9110 §11.6.1,
    /// RFC 6750 §3), then the OAuth JSON error of a 4xx (RFC 6749 §5.2), then the
    /// unexpected status (a redirect is never followed).
    static func errorForNon200(_ answer: HTTPAnswer, endpoint: Endpoint, role: String) -> any Error {
        let retryAfter = answer.retryAfter
        let challengeValues = answer.headers["www-authenticate"]
        var bodyError: ResponseBodyError?
        if (400...499).contains(answer.status),
            let value = try? JSONValue(parsing: answer.body.readableBytesView),
            case .object(let members) = value, case .string(let error)? = members["error"]
        {
            bodyError = ResponseBodyError(members, error: error, status: answer.status, endpoint: endpoint, retryAfter: retryAfter)
        }
        if !challengeValues.isEmpty, let challenges = WWWAuthenticateChallenge.parse(headers: challengeValues) {
            return WWWAuthenticateChallengeError(
                status: answer.status, challenges: challenges, endpoint: endpoint.url, retryAfter: retryAfter, bodyError: bodyError)
        }
        if let bodyError { return bodyError }
        if (300...399).contains(answer.status) {
            let location = answer.headers.first(name: "location")
            let target = location.map { " to \(LogSafe.truncate($0, limit: 200))" } ?? ""
            return OAuthClientError(
                .redirectNotFollowed,
                "the \(role) \(endpoint.url) answered HTTP \(answer.status), a redirect\(target), which is not followed; configure the final URL directly",
                endpoint: endpoint.url, statusCode: answer.status, location: location
            )
        }
        var message = "the \(role) \(endpoint.url) answered HTTP \(answer.status)"
        message += answer.contentType.map { " with \(LogSafe.truncate($0, limit: 80))" } ?? ""
        if (500...599).contains(answer.status) || answer.status == 429 {
            message += "; the server is failing or overloaded, try again later"
        } else if answer.status == 200 || answer.status == 201 || answer.status == 204 {
            message += " instead of 200"
        } else {
            message += " without an OAuth error body; check the endpoint URL"
        }
        return OAuthClientError(.unexpectedStatus, message, endpoint: endpoint.url, statusCode: answer.status, retryAfter: retryAfter)
    }

    /// A JSON object body, or `notJSON` / `invalidResponse` naming the content type.
    static func jsonObject(_ answer: HTTPAnswer, endpoint: Endpoint, role: String) throws(OAuthClientError) -> [String: JSONValue] {
        let contentType = answer.contentType.map { LogSafe.truncate($0, limit: 80) } ?? "no content type"
        guard answer.isJSONContentType else {
            throw OAuthClientError(
                .notJSON,
                "the \(role) \(endpoint.url) answered HTTP \(answer.status) with \(contentType) instead of application/json; check the endpoint URL",
                endpoint: endpoint.url, statusCode: answer.status)
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: answer.body.readableBytesView)
        } catch {
            throw OAuthClientError(
                .notJSON,
                "the \(role) \(endpoint.url) answered HTTP \(answer.status) with \(contentType) but the body is not valid JSON (\(error))",
                endpoint: endpoint.url, statusCode: answer.status)
        }
        guard case .object(let members) = value else {
            throw OAuthClientError(
                .invalidResponse, "the \(role) \(endpoint.url) answered with a JSON \(value.typeName) where a JSON object was expected",
                endpoint: endpoint.url, statusCode: answer.status)
        }
        return members
    }

    /// `use_dpop_nonce` as a 400 JSON error or a DPoP challenge (RFC 9449 §8).
    static func isUseDPoPNonce(_ error: any Error) -> Bool {
        if let error = error as? ResponseBodyError { return error.error == "use_dpop_nonce" }
        if let error = error as? WWWAuthenticateChallengeError {
            return error.challenges.contains { $0.scheme == "dpop" && $0.parameters["error"] == "use_dpop_nonce" }
        }
        return false
    }
}

extension ResponseBodyError {
    init(_ members: [String: JSONValue], error: String, status: Int, endpoint: Endpoint, retryAfter: Duration?) {
        self.init(
            status: status, error: error,
            errorDescription: members["error_description"]?.stringValue,
            errorURI: members["error_uri"]?.stringValue,
            body: members.filter { !["access_token", "refresh_token", "id_token"].contains($0.key) },
            endpoint: endpoint.url, retryAfter: retryAfter
        )
    }
}
