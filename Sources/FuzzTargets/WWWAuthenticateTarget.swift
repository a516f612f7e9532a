import OAuthClient

/// A `WWW-Authenticate` value: what parses, rendered again, parses to the same challenges.
enum WWWAuthenticateTarget {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        guard input.count <= 16 << 10 else { return }
        let header = String(decoding: input, as: UTF8.self)
        guard let challenges = WWWAuthenticateChallenge.parse(header) else { return }
        guard !challenges.isEmpty else { throw FuzzFinding("a header parsed into no challenge at all") }
        for challenge in challenges {
            guard !challenge.scheme.isEmpty, challenge.scheme == challenge.scheme.lowercased() else {
                throw FuzzFinding("a challenge has the scheme \"\(challenge.scheme)\"")
            }
            for name in challenge.parameters.keys where name.isEmpty || name != name.lowercased() {
                throw FuzzFinding("a parameter is named \"\(name)\"")
            }
        }
        let rendered = challenges.map(\.description).joined(separator: ", ")
        guard let again = WWWAuthenticateChallenge.parse(rendered) else {
            throw FuzzFinding("the rendered challenges do not parse: \(rendered)")
        }
        guard again == challenges else {
            throw FuzzFinding("the rendered challenges parse differently: \(rendered)")
        }
    }
}
