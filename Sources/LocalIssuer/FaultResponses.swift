internal import NIOHTTP1

/// Turns a ``Fault`` into the response the token endpoint sends instead of a normal one.
enum FaultResponses {
    /// The action for `fault` (nil: the normal token response built from `fields`).
    static func action(for fault: Fault?, fields: TokenResponseFields) -> ResponseAction {
        guard let fault else {
            return .respond(.json(.ok, fields.json(), headers: [("Pragma", "no-cache")]))
        }
        switch fault {
        case .serverError(let status, _):
            return .respond(.json(.init(statusCode: status), #"{"error":"server_error","error_description":"Simulated server failure."}"#))
        case .rateLimited(let retryAfter, _):
            return .respond(
                .json(
                    .tooManyRequests, #"{"error":"temporarily_unavailable","error_description":"Simulated rate limit."}"#,
                    headers: [("Retry-After", String(retryAfter))]))
        case .closeConnection:
            return .closeConnection
        case .malformedJSON:
            return .respond(.json(.ok, #"{"access_token":"abc","token_type":"Bearer","expires_in":"#))
        case .jsonArray:
            return .respond(.json(.ok, "[" + fields.json() + "]"))
        case .missingAccessToken:
            return .respond(.json(.ok, fields.json(omitting: ["access_token"])))
        case .missingTokenType:
            return .respond(.json(.ok, fields.json(omitting: ["token_type"])))
        case .expiresInAsString:
            return .respond(.json(.ok, fields.json(expiresInText: "\"\(fields.expiresIn)\"")))
        case .negativeExpiresIn:
            return .respond(.json(.ok, fields.json(expiresInText: String(-abs(fields.expiresIn == 0 ? 1 : fields.expiresIn)))))
        case .htmlErrorPage(let status):
            let page =
                "<!DOCTYPE html>\n<html><head><title>\(status) Error</title></head><body><h1>Something went wrong</h1><p>The service is unavailable.</p></body></html>\n"
            return .respond(
                OutgoingResponse(status: .init(statusCode: status), headers: [("Content-Type", "text/html; charset=utf-8")], body: page))
        case .oversizedBody:
            let padding = String(repeating: "x", count: (1 << 20) + 1024)
            return .respond(.json(.ok, fields.json(extra: "\"padding\":\"\(padding)\"")))
        case .dpopTokenTypeWithoutProof:
            return .respond(.json(.ok, fields.json()))
        case .endlessBody(let interval):
            return .streamForever(
                OutgoingResponse(status: .ok, headers: [("Content-Type", "application/json")], body: "{\"access_token\":\""),
                chunkInterval: interval
            )
        case .redirect(let location):
            return .respond(OutgoingResponse(status: .found, headers: [("Location", location)], body: ""))
        case .delay, .waitForConcurrentRequests:
            return .respond(.json(.ok, fields.json()))
        }
    }
}
