/// What a template sees: one client's values, or every client's under `clients`.
package enum TemplateContext {
    /// The names of one client's values, in the order the docs list them.
    package static let clientNames = ["name", "issuer", "client_id", "access_token", "token_type", "expires_at", "expires_in", "scope"]
    /// The name of the client list an aggregate template iterates.
    package static let clientsName = "clients"

    /// One client's values (`expires_in` is the lifetime the server gave, so a
    /// later render of the same token writes the same bytes).
    package static func values(of token: IssuedToken) -> [String: TemplateValue] {
        [
            "name": .text(token.clientName),
            "issuer": .text(token.issuer),
            "client_id": .text(token.clientID),
            "access_token": .text(token.accessToken),
            "token_type": .text(token.tokenType),
            "expires_at": token.expiresAt.map { .text(RFC3339.string(from: $0)) } ?? .missing,
            "expires_in": token.expiresIn.map { .number($0) } ?? .missing,
            "scope": token.scope.map { .text($0) } ?? .missing,
        ]
    }

    /// The context of a per-client template.
    static func perClient(_ token: IssuedToken) -> [String: TemplateValue] {
        values(of: token)
    }

    /// The context of an aggregate template: `clients`, sorted by client name.
    static func aggregate(_ tokens: [IssuedToken]) -> [String: [[String: TemplateValue]]] {
        [clientsName: tokens.sorted { $0.clientName < $1.clientName }.map(values(of:))]
    }
}
