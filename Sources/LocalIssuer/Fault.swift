/// A misbehaviour the token endpoint shows one client, to test how the client copes.
///
/// Counted faults (`times:`) apply to that many successful-looking requests, then the
/// client is served normally; the others apply to every request. Faults act after the
/// request has been authenticated and validated, so a retried request still needs valid
/// credentials. `delay` adds to whatever response follows; among the others the first
/// active fault in the client's list decides the response.
public enum Fault: Sendable, Hashable {
    /// Answer `status` (500, 502, 503, …) with a JSON error body `times` times, then succeed.
    case serverError(status: Int, times: Int)
    /// Answer 429 with `Retry-After: retryAfterSeconds` `times` times, then succeed.
    case rateLimited(retryAfterSeconds: Int, times: Int)
    /// Wait this long before answering (the request stays in flight meanwhile).
    case delay(Duration)
    /// Answer only once `count` token requests have been in flight at the same
    /// time (at most 30 s): a barrier, so a test of concurrency does not depend
    /// on how fast a loaded machine sends its requests. Adds to what follows, as `delay` does.
    case waitForConcurrentRequests(count: Int)
    /// Close the connection without answering `times` times, then succeed.
    case closeConnection(times: Int)
    /// Answer 200 `application/json` with a body that is not JSON.
    case malformedJSON
    /// Answer 200 with a JSON array instead of an object.
    case jsonArray
    /// Answer 200 with a token response lacking `access_token`.
    case missingAccessToken
    /// Answer 200 with a token response lacking `token_type`.
    case missingTokenType
    /// Answer 200 with `expires_in` as a numeric string (`"3600"`).
    case expiresInAsString
    /// Answer 200 with a negative `expires_in`.
    case negativeExpiresIn
    /// Answer an HTML page (`text/html`) with this status (500, or 200).
    case htmlErrorPage(status: Int)
    /// Answer 200 with a JSON body just over 1 MiB.
    case oversizedBody
    /// Answer `token_type: DPoP` although the request carried no DPoP proof.
    case dpopTokenTypeWithoutProof
    /// Answer 200 and stream the body forever, one small chunk every `chunkInterval`.
    case endlessBody(chunkInterval: Duration)
    /// Answer 302 with this `Location` (for example a plain-http URL).
    case redirect(location: String)

    /// Whether this fault is spent after a number of requests.
    var countedTimes: Int? {
        switch self {
        case .serverError(_, let times), .rateLimited(_, let times), .closeConnection(let times):
            return times
        default:
            return nil
        }
    }
}
