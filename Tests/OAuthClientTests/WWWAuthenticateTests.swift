import Testing
@testable import OAuthClient

@Suite("WWW-Authenticate parser (RFC 7235)")
struct WWWAuthenticateTests {
    @Test("one challenge with quoted and token parameters")
    func single() throws {
        let parsed = try #require(
            WWWAuthenticateChallenge.parse(#"Bearer realm="example", error=invalid_token, error_description="The access token expired""#))
        #expect(parsed.count == 1)
        #expect(parsed[0].scheme == "bearer")
        #expect(parsed[0].parameters == ["realm": "example", "error": "invalid_token", "error_description": "The access token expired"])
    }

    @Test("several challenges in one header, commas inside quoted strings")
    func several() throws {
        let header =
            #"DPoP algs="ES256 PS256", error="use_dpop_nonce", error_description="Authorization server requires nonce, in DPoP proof", Bearer realm="as", Basic realm="x, y""#
        let parsed = try #require(WWWAuthenticateChallenge.parse(header))
        #expect(parsed.map(\.scheme) == ["dpop", "bearer", "basic"])
        #expect(parsed[0].parameters["algs"] == "ES256 PS256")
        #expect(parsed[0].parameters["error"] == "use_dpop_nonce")
        #expect(parsed[0].parameters["error_description"] == "Authorization server requires nonce, in DPoP proof")
        #expect(parsed[1].parameters == ["realm": "as"])
        #expect(parsed[2].parameters == ["realm": "x, y"])
    }

    @Test("escaped quotes, case-insensitive names, bare schemes and token68")
    func edgeCases() throws {
        let parsed = try #require(WWWAuthenticateChallenge.parse(#"Newauth REALM="apps \"x\"", type=1, Basic, Negotiate abc+/==="#))
        #expect(parsed.map(\.scheme) == ["newauth", "basic", "negotiate"])
        #expect(parsed[0].parameters == ["realm": #"apps "x""#, "type": "1"])
        #expect(parsed[1].parameters.isEmpty)
        #expect(parsed[2].token68 == "abc+/===")
    }

    @Test(
        "malformed values do not parse",
        arguments: ["", "   ", #"Bearer realm="unterminated"#, "Bearer =x", "Bearer a=b c", #"Bearer a="1", a="2""#])
    func malformed(header: String) {
        #expect(WWWAuthenticateChallenge.parse(header) == nil)
    }

    @Test("use_dpop_nonce is recognised from a DPoP challenge and from a JSON error")
    func dpopNonceDetection() {
        let challenge = WWWAuthenticateChallengeError(
            status: 401, challenges: [WWWAuthenticateChallenge(scheme: "DPoP", parameters: ["error": "use_dpop_nonce"])],
            endpoint: "https://as/token", retryAfter: nil
        )
        #expect(TokenResponseProcessing.isUseDPoPNonce(challenge))
        let body = ResponseBodyError(
            status: 400, error: "use_dpop_nonce", errorDescription: nil, errorURI: nil, body: [:], endpoint: "https://as/token",
            retryAfter: nil)
        #expect(TokenResponseProcessing.isUseDPoPNonce(body))
        let bearer = WWWAuthenticateChallengeError(
            status: 401, challenges: [WWWAuthenticateChallenge(scheme: "Bearer", parameters: ["error": "use_dpop_nonce"])],
            endpoint: "https://as/token", retryAfter: nil
        )
        #expect(!TokenResponseProcessing.isUseDPoPNonce(bearer))
    }

    @Test("a backslash or quote after a prepending mark is escaped when rendered, so the value reads back the same")
    func prependingMarkBeforeBackslash() throws {
        // U+06DD (ARABIC END OF AYAH) joins the next character into one grapheme;
        // the escaping must still see the backslash and the quote on their own.
        for value in ["a\u{06DD}\\c", "\u{06DD}\"", "x\u{0600}\\\u{0600}\""] {
            let challenge = WWWAuthenticateChallenge(scheme: "bearer", parameters: ["realm": value])
            let again = try #require(WWWAuthenticateChallenge.parse(challenge.description))
            #expect(again == [challenge])
        }
    }
}
