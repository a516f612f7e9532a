import Foundation
import Testing
@testable import OAuthClient

@Suite("Token response parsing")
struct TokenResponseTests {
    private func parse(_ json: String, at date: Date = Date(timeIntervalSince1970: 1_000_000)) throws -> TokenEndpointResponse {
        guard case .object(let members) = try JSONValue(parsing: json) else { throw OAuthClientError(.invalidResponse, "not an object") }
        return try TokenEndpointResponse(json: members, receivedAt: date, endpoint: "https://as.example/token")
    }

    @Test("a full response keeps every member and lower-cases token_type")
    func full() throws {
        let response = try parse(
            #"{"access_token":"AT-secret","token_type":"Bearer","expires_in":3600,"scope":"a b","refresh_token":"rt","id_token":"x.y.z","issued_token_type":"urn:x","ext":{"n":[1,2.5,true,null]}}"#
        )
        #expect(response.accessToken == "AT-secret")
        #expect(response.tokenType == "bearer")
        #expect(response.expiresIn == 3600)
        #expect(response.scope == "a b")
        #expect(response.refreshToken == "rt")
        #expect(response.idToken == "x.y.z")
        #expect(response.additionalMembers["issued_token_type"] == .string("urn:x"))
        #expect(response.additionalMembers["ext"] == .object(["n": .array([.number(1), .number(2.5), .bool(true), .null])]))
        #expect(!response.description.contains("AT-secret"))
        var dumped = ""
        dump(response, to: &dumped)
        #expect(!dumped.contains("AT-secret"))
    }

    @Test("expiresIn(now:) counts down to 0; expiresAt from receivedAt; nil without expires_in")
    func expiry() throws {
        let received = Date(timeIntervalSince1970: 1_000_000)
        let response = try parse(#"{"access_token":"a","token_type":"DPoP","expires_in":"60"}"#, at: received)
        #expect(response.tokenType == "dpop")
        #expect(response.expiresAt == received.addingTimeInterval(60))
        #expect(response.expiresIn(now: received.addingTimeInterval(10)) == 50)
        #expect(response.expiresIn(now: received.addingTimeInterval(100)) == 0)
        let noExpiry = try parse(#"{"access_token":"a","token_type":"bearer"}"#)
        #expect(noExpiry.expiresIn(now: Date()) == nil)
        #expect(noExpiry.expiresAt == nil)
    }

    @Test(
        "invalid members are rejected with invalidResponse",
        arguments: [
            #"{"token_type":"bearer"}"#,
            #"{"access_token":"","token_type":"bearer"}"#,
            #"{"access_token":5,"token_type":"bearer"}"#,
            #"{"access_token":"a"}"#,
            #"{"access_token":"a","token_type":""}"#,
            #"{"access_token":"a","token_type":"mac"}"#,
            #"{"access_token":"a","token_type":"bearer","expires_in":-1}"#,
            #"{"access_token":"a","token_type":"bearer","expires_in":"soon"}"#,
            #"{"access_token":"a","token_type":"bearer","expires_in":true}"#,
            #"{"access_token":"a","token_type":"bearer","scope":["a"]}"#,
            #"{"access_token":"a","token_type":"bearer","refresh_token":""}"#,
        ])
    func invalid(json: String) {
        #expect {
            try parse(json)
        } throws: { error in
            (error as? OAuthClientError)?.code == .invalidResponse && !"\(error)".contains("\"a\"")
        }
    }

    @Test("the JSON parser is strict")
    func jsonParser() throws {
        #expect(
            try JSONValue(parsing: #" {"a" : [1, -2.5e3, "x\u00e9\ud83d\ude00\n"] } "#)
                == .object(["a": .array([.number(1), .number(-2500), .string("xé😀\n")])]))
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "\"\u{01}\"", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "nul", "\"\\ud800\""] {
            #expect(throws: JSONParseError.self) { try JSONValue(parsing: bad) }
        }
        #expect(JSONValue.object(["b": .number(1), "a": .string("q\"")]).jsonText == #"{"a":"q\"","b":1}"#)
    }
}
