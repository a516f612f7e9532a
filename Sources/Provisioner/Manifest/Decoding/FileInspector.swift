import Foundation
import OAuthClient

/// File-system facts and loaded keys for one load, cached per path so a file
/// shared by thousands of clients is looked at once.
final class FileInspector {
    /// What `stat` said about a path.
    enum Status: Equatable {
        case missing
        case directory
        case notRegular
        case unreadable
        case regular(mode: UInt16, size: Int)
    }

    private var statuses: [String: Status] = [:]
    private var contentsCache: [String: [UInt8]] = [:]
    private var keys: [String: Result<SigningKey, OAuthClientError>] = [:]
    private var thumbprints: [String: Result<CertificateThumbprint, OAuthClientError>] = [:]
    private var identities: [String: Result<TLSClientIdentity, OAuthClientError>] = [:]
    private var hashes: [String: String] = [:]
    /// Paths already warned about for loose permissions, so the warning appears once per file.
    var permissionWarned: Set<String> = []

    /// Largest file read as a secret, key or certificate.
    static let maximumSize = 1 << 20

    func status(_ path: String) -> Status {
        if let cached = statuses[path] { return cached }
        let status = Self.lookUp(path)
        statuses[path] = status
        return status
    }

    private static func lookUp(_ path: String) -> Status {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? .directory : .unreadable
            }
            return .missing
        }
        let type = attributes[.type] as? FileAttributeType
        if type == .typeDirectory { return .directory }
        guard type == .typeRegular else { return .notRegular }
        guard FileManager.default.isReadableFile(atPath: path) else { return .unreadable }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        return .regular(mode: mode & 0o7777, size: size)
    }

    /// The bytes of a regular, readable file already checked with ``status(_:)``.
    func contents(_ path: String) -> [UInt8]? {
        if let cached = contentsCache[path] { return cached }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        contentsCache[path] = bytes
        return bytes
    }

    private var secretHashes: [String: String] = [:]

    /// SHA-256 hex of a secret, computed once per distinct secret.
    func hash(of secret: Redacted<String>) -> String {
        if let cached = secretHashes[secret.value] { return cached }
        let value = SHA256Digest.hex(of: Array(secret.value.utf8))
        secretHashes[secret.value] = value
        return value
    }

    /// SHA-256 hex of a file's bytes, for fingerprints.
    func hash(_ path: String) -> String {
        if let cached = hashes[path] { return cached }
        let value = SHA256Digest.hex(of: contents(path) ?? [])
        hashes[path] = value
        return value
    }

    /// The key in `path` for `algorithm` and `keyID`, loaded once per combination.
    func signingKey(_ path: String, algorithm: JWSAlgorithm?, keyID: String?) -> Result<SigningKey, OAuthClientError>? {
        let cacheKey = "\(path)\u{0}\(algorithm?.rawValue ?? "")\u{0}\(keyID ?? "")"
        if let cached = keys[cacheKey] { return cached }
        guard let bytes = contents(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let result: Result<SigningKey, OAuthClientError>
        do {
            result = .success(try SigningKey(text: text, algorithm: algorithm, keyID: keyID))
        } catch {
            result = .failure(error)
        }
        keys[cacheKey] = result
        return result
    }

    /// The thumbprints of the certificate in `path`.
    func thumbprint(_ path: String, sha1: Bool) -> Result<CertificateThumbprint, OAuthClientError>? {
        let cacheKey = "\(path)\u{0}\(sha1)"
        if let cached = thumbprints[cacheKey] { return cached }
        guard let bytes = contents(path) else { return nil }
        let result: Result<CertificateThumbprint, OAuthClientError>
        do {
            result = .success(
                try CertificateThumbprint(
                    certificatePEM: String(decoding: bytes, as: UTF8.self), headers: sha1 ? [.sha256, .sha1] : .sha256
                ))
        } catch {
            result = .failure(error)
        }
        thumbprints[cacheKey] = result
        return result
    }

    /// The TLS identity from a certificate chain file and a key file.
    func tlsIdentity(certificate: String, key: String) -> Result<TLSClientIdentity, OAuthClientError>? {
        let cacheKey = "\(certificate)\u{0}\(key)"
        if let cached = identities[cacheKey] { return cached }
        guard let certificateBytes = contents(certificate), let keyBytes = contents(key) else { return nil }
        let result: Result<TLSClientIdentity, OAuthClientError>
        do {
            result = .success(
                try TLSClientIdentity(
                    certificateChainPEM: String(decoding: certificateBytes, as: UTF8.self),
                    privateKeyPEM: String(decoding: keyBytes, as: UTF8.self)
                ))
        } catch {
            result = .failure(error)
        }
        identities[cacheKey] = result
        return result
    }
}
