import Foundation
import LocalIssuer
import Testing
@testable import OAuthClient

@Suite("Bad answers and transport failures")
struct FailureIntegrationTests {
    /// Runs one grant for a client with `faults` and returns its error.
    private func grantError(faults: [Fault], options: Configuration.Options = insecureOptions) async throws -> (any Error)? {
        try await withLocalIssuer(
            .init(clients: [RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "s"), faults: faults)])
        ) { issuer in
            await caught {
                try await clientCredentialsGrant(
                    configuration(issuer, clientID: "c", authentication: .clientSecretPost("s"), options: options))
            }
        }
    }

    private func code(of error: (any Error)?) -> OAuthClientError.Code? {
        (error as? OAuthClientError)?.code
    }

    @Test("a plain-http token endpoint without the allowance is refused before any request")
    func insecure() async throws {
        try await withLocalIssuer(.init(clients: [RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "s"))])) { issuer in
            let error = await caught {
                try await clientCredentialsGrant(
                    configuration(issuer, clientID: "c", authentication: .clientSecretPost("s"), options: .init()))
            }
            #expect(code(of: error) == .insecureURL)
            #expect(issuer.statistics().totalRequests == 0)
        }
    }

    @Test("a redirect is not followed and its Location is named")
    func redirect() async throws {
        let error = try await grantError(faults: [.redirect(location: "http://elsewhere.example/token")])
        let clientError = try #require(error as? OAuthClientError)
        #expect(clientError.code == .redirectNotFollowed)
        #expect(clientError.location == "http://elsewhere.example/token")
        #expect(clientError.description.contains("http://elsewhere.example/token"))
    }

    @Test("a slow answer times out after the configured timeout, before the server answers")
    func timeout() async throws {
        var options = insecureOptions
        options.timeout = .milliseconds(300)
        try await withLocalIssuer(
            .init(clients: [RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "s"), faults: [.delay(.seconds(15))])])
        ) { issuer in
            let config = configuration(issuer, clientID: "c", authentication: .clientSecretPost("s"), options: options)
            let error = await caught { try await clientCredentialsGrant(config) }
            #expect(code(of: error) == .timeout)
            #expect((error as? OAuthClientError)?.isRetryable == true)
            // Order of events, not times: the grant ended while the server was
            // still holding its answer (an answer would have been a token), and
            // the timeout that ended it is the configured 300 ms one.
            #expect("\(error.map { "\($0)" } ?? "")".contains("did not answer within 0.3 s"), "\(String(describing: error))")
            // At most one request: no retry here (on a loaded machine the client may give up before the server has read it).
            #expect((issuer.statistics().tokenRequestsByClient["c"] ?? 0) <= 1)
        }
    }

    @Test("an endless body is cut at the size cap or the timeout")
    func endlessBody() async throws {
        var options = insecureOptions
        options.timeout = .seconds(2)
        options.maximumResponseBodySize = 4096
        let error = try await grantError(faults: [.endlessBody(chunkInterval: .milliseconds(5))], options: options)
        #expect([OAuthClientError.Code.responseTooLarge, .timeout].contains(code(of: error)))
    }

    @Test("connection refused is a retryable connectionFailed naming the endpoint")
    func connectionRefused() async throws {
        let server = try await ScriptedServer.start { _ in .init(body: "{}") }
        let port = server.port
        try await server.shutdown()
        let config = Configuration(
            serverMetadata: ServerMetadata(
                issuer: "http://127.0.0.1:\(port)", tokenEndpoint: URL(string: "http://127.0.0.1:\(port)/token")),
            clientID: "c", clientAuthentication: .clientSecretBasic("s"), options: insecureOptions
        )
        let error = await caught { try await clientCredentialsGrant(config) }
        let clientError = try #require(error as? OAuthClientError)
        #expect(clientError.code == .connectionFailed)
        #expect(clientError.isRetryable)
        #expect(clientError.description.contains("127.0.0.1:\(port)/token"))
    }

    @Test("a 4xx OAuth error shows error, error_description and error_uri")
    func oauthError() async throws {
        let body =
            #"{"error":"invalid_scope","error_description":"scope admin is not allowed","error_uri":"https://as.example/errors/scope"}"#
        try await withScriptedServer({ _ in .init(status: 400, body: body) }) { server in
            let error = await caught { try await clientCredentialsGrant(configuration(server)) }
            let bodyError = try #require(error as? ResponseBodyError)
            #expect(bodyError.status == 400)
            #expect(bodyError.error == "invalid_scope")
            #expect(bodyError.errorDescription == "scope admin is not allowed")
            #expect(bodyError.errorURI == "https://as.example/errors/scope")
            #expect(bodyError.description.contains("scope admin is not allowed"))
            #expect(bodyError.description.contains("https://as.example/errors/scope"))
            #expect(bodyError.description.contains(server.origin + "/token"))
            #expect(!bodyError.isRetryable)
        }
    }

    @Test("a 200 that carries error is an error")
    func errorIn200() async throws {
        try await withScriptedServer({ _ in .init(body: #"{"error":"server_error","access_token":"x","token_type":"bearer"}"#) }) {
            server in
            let error = await caught { try await clientCredentialsGrant(configuration(server)) }
            #expect((error as? ResponseBodyError)?.status == 200)
        }
    }

    @Test("a 401 with WWW-Authenticate becomes a challenge error; the secret is not in it")
    func challenge() async throws {
        try await withLocalIssuer(.init(clients: [RegisteredClient(id: "c", authentication: .clientSecretBasic(secret: "right"))])) {
            issuer in
            let error = await caught {
                try await clientCredentialsGrant(
                    configuration(issuer, clientID: "c", authentication: .clientSecretBasic("wrong-secret-value")))
            }
            let challengeError = try #require(error as? WWWAuthenticateChallengeError)
            #expect(challengeError.status == 401)
            #expect(challengeError.challenges.first?.scheme == "basic")
            #expect(challengeError.challenges.first?.parameters["realm"] == "local-issuer")
            #expect(!challengeError.description.contains("wrong-secret-value"))
        }
    }

    @Test("a 401 with a Basic challenge and an OAuth JSON body shows the body's error, description and hint")
    func challengeWithBody() async throws {
        try await withLocalIssuer(.init(clients: [RegisteredClient(id: "c", authentication: .clientSecretBasic(secret: "right"))])) {
            issuer in
            let error = await caught {
                try await clientCredentialsGrant(
                    configuration(issuer, clientID: "c", authentication: .clientSecretBasic("wrong-secret-value")))
            }
            let challengeError = try #require(error as? WWWAuthenticateChallengeError)
            #expect(challengeError.bodyError?.error == "invalid_client")
            #expect(challengeError.oauthError == "invalid_client")
            let text = challengeError.description
            #expect(text.contains("(HTTP 401): invalid_client"))
            #expect(text.contains("Client authentication failed: wrong client secret."))
            #expect(text.contains("check the client ID, the client secret or key, and the authentication method"))
            #expect(text.contains("(challenge basic"))
            #expect(text.contains(#"realm="local-issuer""#))
            #expect(!text.contains("wrong-secret-value"))
        }
    }

    @Test("invalid_client without a challenge is a ResponseBodyError")
    func invalidClientPost() async throws {
        try await withLocalIssuer(.init(clients: [RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "right"))])) {
            issuer in
            let error = await caught {
                try await clientCredentialsGrant(configuration(issuer, clientID: "c", authentication: .clientSecretPost("wrong")))
            }
            #expect((error as? ResponseBodyError)?.error == "invalid_client")
        }
    }

    @Test("5xx is a retryable unexpected status")
    func serverError() async throws {
        let error = try await grantError(faults: [.serverError(status: 503, times: 1)])
        let clientError = try #require(error as? OAuthClientError)
        #expect(clientError.code == .unexpectedStatus)
        #expect(clientError.statusCode == 503)
        #expect(clientError.isRetryable)
    }

    @Test("429 exposes Retry-After and is retryable")
    func rateLimited() async throws {
        let error = try await grantError(faults: [.rateLimited(retryAfterSeconds: 7, times: 1)])
        let failure = try #require(error as? any OAuthClientFailure)
        #expect(failure.statusCode == 429)
        #expect(failure.retryAfter == .seconds(7))
        #expect(failure.isRetryable)
    }

    @Test("a closed connection is a retryable transport failure")
    func closedConnection() async throws {
        let error = try await grantError(faults: [.closeConnection(times: 1)])
        let clientError = try #require(error as? OAuthClientError)
        #expect(clientError.isRetryable)
    }

    @Test("HTML pages: unexpected status for 500, notJSON for 200")
    func html() async throws {
        let page500 = try await grantError(faults: [.htmlErrorPage(status: 500)])
        #expect(code(of: page500) == .unexpectedStatus)
        #expect("\(page500!)".contains("text/html"))
        let page200 = try await grantError(faults: [.htmlErrorPage(status: 200)])
        #expect(code(of: page200) == .notJSON)
        #expect("\(page200!)".contains("text/html"))
    }

    @Test(
        "malformed bodies are refused",
        arguments: [
            (Fault.malformedJSON, OAuthClientError.Code.notJSON),
            (.jsonArray, .invalidResponse),
            (.missingAccessToken, .invalidResponse),
            (.missingTokenType, .invalidResponse),
            (.negativeExpiresIn, .invalidResponse),
            (.oversizedBody, .responseTooLarge),
        ])
    func malformed(fault: Fault, expected: OAuthClientError.Code) async throws {
        let error = try await grantError(faults: [fault])
        #expect(code(of: error) == expected)
    }

    @Test("expires_in as a numeric string is accepted")
    func expiresInString() async throws {
        try await withLocalIssuer(
            .init(clients: [RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "s"), faults: [.expiresInAsString])])
        ) { issuer in
            let response = try await clientCredentialsGrant(configuration(issuer, clientID: "c", authentication: .clientSecretPost("s")))
            #expect(response.expiresIn == 3600)
        }
    }

    @Test(
        "scripted bad answers",
        arguments: [
            (200, #"{"access_token":"","token_type":"bearer"}"#, "application/json", OAuthClientError.Code.invalidResponse),
            (200, #"{"access_token":"a","token_type":"mac"}"#, "application/json", .invalidResponse),
            (200, #"{"access_token":"a","token_type":"bearer","expires_in":"1h"}"#, "application/json", .invalidResponse),
            (200, #"{"access_token":"a","token_type":"bearer"}"#, "text/plain", .notJSON),
            (201, #"{"access_token":"a","token_type":"bearer"}"#, "application/json", .unexpectedStatus),
            (400, "bad request", "text/plain", .unexpectedStatus),
            (502, #"{"error":"bad_gateway"}"#, "application/json", .unexpectedStatus),
        ])
    func scripted(status: Int, body: String, contentType: String, expected: OAuthClientError.Code) async throws {
        try await withScriptedServer({ _ in .init(status: status, headers: [("Content-Type", contentType)], body: body) }) { server in
            let error = await caught { try await clientCredentialsGrant(configuration(server)) }
            #expect(code(of: error) == expected)
            #expect((error as? OAuthClientError)?.description.contains(server.origin) == true)
        }
    }
}
