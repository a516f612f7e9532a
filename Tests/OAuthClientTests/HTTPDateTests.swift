import Foundation
@testable import OAuthClient
import Testing

@Suite("HTTP-date parsing for Retry-After (RFC 9110 §5.6.7)")
struct HTTPDateTests {
    @Test(
        "the three forms of RFC 9110's example name the same instant",
        arguments: [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ])
    func forms(text: String) {
        #expect(HTTPDate.parse(text) == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test("leap days, month ends and the far side of 2038")
    func calendar() {
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 00:00:00 GMT") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
        #expect(HTTPDate.parse("Fri, 01 Jan 2100 00:00:00 GMT") == Date(timeIntervalSince1970: 4_102_444_800))
    }

    @Test(
        "malformed dates are refused, not guessed",
        arguments: [
            "", "120", "Sun, 31 Feb 2026 00:00:00 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun Nov 6 08:49 1994", "Sunday, 06-Nov-1994 08:49:37 GMT",
        ])
    func malformed(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }
}
