/// The inputs tokensmith fuzzes, each with the properties it checks.
///
/// A target returns normally for input it handles correctly (accepted or
/// refused with an error) and throws ``FuzzFinding`` when a property breaks;
/// crashes, hangs and leaks are found by libFuzzer and the sanitizers. The
/// same functions replay the committed corpora in the ordinary test suite.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// YAMLKit: parse, emit, parse again gives the same tree.
    case yaml
    /// Manifest loading and validation: never crashes, every error has a place inside the file.
    case manifest
    /// The token endpoint answer checks: status, content type, JSON, members, challenges.
    case tokenResponse = "token-response"
    /// `WWW-Authenticate` parsing: what parses renders and parses back the same.
    case wwwAuthenticate = "www-authenticate"
    /// env, JSON and Kubernetes Secret writers: what they write reads back exactly.
    case outputEscaping = "output-escaping"
    /// Private key loading (PEM, DER, JWK): refuses or loads, never crashes.
    case keyLoading = "key-loading"

    /// Runs one input through the target.
    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        switch self {
        case .yaml: try YAMLRoundTripTarget.run(input)
        case .manifest: try ManifestTarget.run(input)
        case .tokenResponse: try TokenResponseTarget.run(input)
        case .wwwAuthenticate: try WWWAuthenticateTarget.run(input)
        case .outputEscaping: try OutputEscapingTarget.run(input)
        case .keyLoading: try KeyLoadingTarget.run(input)
        }
    }
}

/// A broken property: what was expected and what happened instead.
public struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    /// The property that failed, in words.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
