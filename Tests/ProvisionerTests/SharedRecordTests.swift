import Foundation
import Provisioner
import Testing

/// `IssuedToken` and `ClientResult` keep their fields in a shared box; they
/// must still behave as plain values.
@Suite("Tokens and results are values")
struct SharedRecordTests {
    @Test("changing a copy of a token leaves the original as it was; equality and hashing follow the fields")
    func token() {
        let original = OutputFixtures.token("billing")
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.scope = "other"
        copy.expiresAt = nil
        #expect(original.scope == "invoices:read invoices:write")
        #expect(original.expiresAt == OutputFixtures.expiry)
        #expect(copy.scope == "other" && copy.expiresAt == nil)
        #expect(copy != original)
        // Built separately with the same fields: equal, and one entry in a set.
        let twin = OutputFixtures.token("billing")
        #expect(twin == original)
        #expect(Set([twin, original, copy]).count == 2)
    }

    @Test("changing a copy of a result leaves the original as it was, also across tasks")
    func result() async {
        let original = ClientResult(name: "billing", issuer: "corp", clientID: "billing-svc", status: .granted, attempts: 1)
        let changed = await Task.detached {
            var copy = original
            copy.status = .failed
            copy.detail = "invalid_client"
            copy.attempts += 2
            return copy
        }.value
        #expect(original.status == .granted && original.detail == nil && original.attempts == 1)
        #expect(changed.status == .failed && changed.detail == "invalid_client" && changed.attempts == 3)
        #expect(changed.name == "billing" && changed != original)
        var same = changed
        same.retryAfter = nil
        #expect(same == changed && same.hashValue == changed.hashValue)
    }
}
