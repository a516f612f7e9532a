import AsyncHTTPClient
import Crypto
import Dispatch
import Foundation
import TestProcessSupport
import LocalIssuer
import NIOCore
import NIOHTTP1
import _CryptoExtras

/// A response as the tests look at it.
struct TestResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String

    /// The body parsed as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    /// The `error` member of a JSON error body.
    var error: String? { json["error"] as? String }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// Plain-http requests through AsyncHTTPClient (independent of the project's OAuthClient).
enum HTTP {
    static func get(_ url: String) async throws -> TestResponse {
        try await send(HTTPClientRequest(url: url))
    }

    /// POSTs a form body built from `form` (each name and value form-encoded) with extra headers.
    static func postForm(_ url: String, _ form: [(String, String)], headers: [(String, String)] = []) async throws -> TestResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: Form.encode(form)))
        return try await send(request)
    }

    static func send(_ request: HTTPClientRequest) async throws -> TestResponse {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name] = value }
        return TestResponse(status: Int(response.status.code), headers: headers, body: String(buffer: body))
    }
}

/// HTML form encoding as RFC 6749 Appendix B describes it, written independently of the server.
enum Form {
    static func encodeComponent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { encodeComponent($0.0) + "=" + encodeComponent($0.1) }.joined(separator: "&")
    }

    static func basic(_ id: String, _ secret: String) -> String {
        "Basic " + Data((encodeComponent(id) + ":" + encodeComponent(secret)).utf8).base64EncodedString()
    }
}

/// Runs external programs (curl, python3, the built executable) without blocking the test's thread pool.
enum Subprocess {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("li-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("out")
        let errURL = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = .file(try FileHandle(forWritingTo: outURL))
        process.standardError = .file(try FileHandle(forWritingTo: errURL))
        let input = Pipe()
        process.standardInput = .pipe(input)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
                // Feeding the child can block on a full pipe: do it on its own thread.
                let writer = input.fileHandleForWriting
                Thread {
                    if let stdin { writer.write(Data(stdin.utf8)) }
                    try? writer.close()
                }.start()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: status,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }

    /// Runs curl with `-s -i` and parses the (last) status line, headers and body.
    static func curl(_ arguments: [String]) async throws -> TestResponse {
        let result = try await run("/usr/bin/curl", ["-s", "-i", "--max-time", "10"] + arguments)
        guard result.status == 0 else {
            return TestResponse(status: -Int(result.status), headers: [:], body: result.stderr)
        }
        var text = result.stdout
        // Skip interim responses such as "100 Continue".
        while text.hasPrefix("HTTP/1.1 100") {
            guard let range = text.range(of: "\r\n\r\n") else { break }
            text = String(text[range.upperBound...])
        }
        guard let split = text.range(of: "\r\n\r\n") else {
            return TestResponse(status: 0, headers: [:], body: text)
        }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return TestResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}

/// A temporary folder for PEM files handed to curl and the executable.
final class TemporaryFolder: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("local-issuer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` and returns the path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        // Not `atomically:`: corelibs Foundation stages that through a
        // `TemporaryDirectory.*` folder in /tmp that it never removes.
        try Data(text.utf8).write(to: file)
        return file.path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Builds JWS by hand with swift-crypto (not with the server's code): assertions and DPoP proofs.
enum TestJWS {
    enum Key {
        case hmac(String)
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)

        /// Reads the PKCS#8 private key of a generated test key pair.
        init(_ pair: TestKeyPair) throws {
            switch pair.kind {
            case .rsa2048, .rsa3072: self = .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: pair.privateKeyPEM))
            case .p256: self = .p256(try P256.Signing.PrivateKey(pemRepresentation: pair.privateKeyPEM))
            case .p384: self = .p384(try P384.Signing.PrivateKey(pemRepresentation: pair.privateKeyPEM))
            case .p521: self = .p521(try P521.Signing.PrivateKey(pemRepresentation: pair.privateKeyPEM))
            case .ed25519: self = .ed25519(try Curve25519.Signing.PrivateKey(pemRepresentation: pair.privateKeyPEM))
            }
        }
    }

    static func base64url(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func sign(header: [String: Any], claims: [String: Any], alg: String, key: Key) throws -> String {
        let headerData = try JSONSerialization.data(withJSONObject: header)
        let claimsData = try JSONSerialization.data(withJSONObject: claims)
        let input = base64url(headerData) + "." + base64url(claimsData)
        let bytes = Data(input.utf8)
        let signature: Data
        switch (key, alg) {
        case (.hmac(let secret), "HS256"):
            signature = Data(HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Data(secret.utf8))))
        case (.hmac(let secret), "HS384"):
            signature = Data(HMAC<SHA384>.authenticationCode(for: bytes, using: SymmetricKey(data: Data(secret.utf8))))
        case (.hmac(let secret), "HS512"):
            signature = Data(HMAC<SHA512>.authenticationCode(for: bytes, using: SymmetricKey(data: Data(secret.utf8))))
        case (.rsa(let key), "RS256"):
            signature = try key.signature(for: SHA256.hash(data: bytes), padding: .insecurePKCS1v1_5).rawRepresentation
        case (.rsa(let key), "RS384"):
            signature = try key.signature(for: SHA384.hash(data: bytes), padding: .insecurePKCS1v1_5).rawRepresentation
        case (.rsa(let key), "RS512"):
            signature = try key.signature(for: SHA512.hash(data: bytes), padding: .insecurePKCS1v1_5).rawRepresentation
        case (.rsa(let key), "PS256"): signature = try key.signature(for: SHA256.hash(data: bytes), padding: .PSS).rawRepresentation
        case (.rsa(let key), "PS384"): signature = try key.signature(for: SHA384.hash(data: bytes), padding: .PSS).rawRepresentation
        case (.rsa(let key), "PS512"): signature = try key.signature(for: SHA512.hash(data: bytes), padding: .PSS).rawRepresentation
        case (.p256(let key), _): signature = try key.signature(for: SHA256.hash(data: bytes)).rawRepresentation
        case (.p384(let key), _): signature = try key.signature(for: SHA384.hash(data: bytes)).rawRepresentation
        case (.p521(let key), _): signature = try key.signature(for: SHA512.hash(data: bytes)).rawRepresentation
        case (.ed25519(let key), _): signature = try key.signature(for: bytes)
        default: throw CocoaError(.featureUnsupported)
        }
        return input + "." + base64url(signature)
    }

    /// A client assertion (RFC 7523) with overridable claims.
    static func assertion(
        clientID: String,
        audience: Any,
        alg: String,
        key: Key,
        expiresIn: Double = 60,
        issuedAtOffset: Double = 0,
        jti: String = UUID().uuidString,
        issuer: String? = nil
    ) throws -> String {
        let now = Date().timeIntervalSince1970
        return try sign(
            header: ["alg": alg, "typ": "JWT"],
            claims: [
                "iss": issuer ?? clientID, "sub": clientID, "aud": audience, "jti": jti,
                "iat": Int(now + issuedAtOffset), "nbf": Int(now + issuedAtOffset), "exp": Int(now + expiresIn),
            ],
            alg: alg,
            key: key
        )
    }

    /// A DPoP proof (RFC 9449) for `htu`.
    static func dpopProof(
        pair: TestKeyPair,
        alg: String,
        htu: String,
        htm: String = "POST",
        nonce: String? = nil,
        jti: String = UUID().uuidString,
        iatOffset: Double = 0,
        typ: String = "dpop+jwt"
    ) throws -> String {
        let jwk = try JSONSerialization.jsonObject(with: Data(pair.publicJWK.utf8))
        var claims: [String: Any] = ["jti": jti, "htm": htm, "htu": htu, "iat": Int(Date().timeIntervalSince1970 + iatOffset)]
        if let nonce { claims["nonce"] = nonce }
        return try sign(header: ["typ": typ, "alg": alg, "jwk": jwk], claims: claims, alg: alg, key: try Key(pair))
    }
}

/// Starts an issuer, runs `body`, and always shuts the issuer down.
func withIssuer<T>(
    _ configuration: LocalIssuer.Configuration = .init(),
    _ body: (LocalIssuer) async throws -> T
) async throws -> T {
    let issuer = try await LocalIssuer.start(configuration)
    do {
        let result = try await body(issuer)
        try await issuer.shutdown()
        return result
    } catch {
        try? await issuer.shutdown()
        throw error
    }
}

/// The JSON payload of a JWT, decoded without verification.
func jwtClaims(_ token: String) -> [String: Any] {
    let parts = token.split(separator: ".")
    guard parts.count == 3 else { return [:] }
    var text = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while text.count % 4 != 0 { text += "=" }
    guard let data = Data(base64Encoded: text) else { return [:] }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
}

let clientCredentials = ("grant_type", "client_credentials")

/// Runs blocking work (pipe reads, waits) on a new thread and awaits it, so the
/// Swift concurrency pool — two threads on a 2-core machine — stays free.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
