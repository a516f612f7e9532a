import Foundation
import OAuthClient

extension TokenState {
    /// Decodes a state file's bytes: the layout ``encoded()`` writes (member
    /// names as the properties, dates as seconds since 1970).
    ///
    /// Read with OAuthClient's JSON parser rather than `JSONDecoder`: a
    /// 10,000-client file decodes several times faster, which is most of an
    /// idle cron run.
    public static func decode(_ bytes: [UInt8]) throws -> TokenState {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            throw StateFileError(message: "\(error)")
        }
        guard case .object(let members) = root else {
            throw StateFileError(message: "it holds a JSON \(root.typeName), not an object")
        }
        guard let versionNumber = members["version"]?.numberValue, let version = Int(exactly: versionNumber) else {
            throw StateFileError(message: "it has no `version` number")
        }
        guard version == 1 else {
            throw StateFileError(message: "it has version \(version); this tokensmith reads version 1")
        }
        guard case .object(let clientMembers)? = members["clients"] else {
            throw StateFileError(message: "it has no `clients` object")
        }
        var clients: [String: Entry] = [:]
        clients.reserveCapacity(clientMembers.count)
        for (name, value) in clientMembers {
            guard case .object(let fields) = value else {
                throw StateFileError(message: "the entry of \(name) is a JSON \(value.typeName), not an object")
            }
            clients[name] = try Entry(stateFields: fields, client: name)
        }
        var state = TokenState(clients: clients)
        state.version = version
        return state
    }
}

extension TokenState.Entry {
    fileprivate init(stateFields fields: [String: JSONValue], client: String) throws {
        func required(_ key: String) throws -> String {
            guard case .string(let text)? = fields[key] else {
                throw StateFileError(message: "the entry of \(client) has no `\(key)` string")
            }
            return text
        }
        func optionalString(_ key: String) throws -> String? {
            switch fields[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw StateFileError(message: "`\(key)` of the entry of \(client) is a \(other.typeName), not a string")
            }
        }
        func optionalNumber(_ key: String) throws -> Double? {
            switch fields[key] {
            case nil, .null?: return nil
            case .number(let number)?: return number
            case let other?: throw StateFileError(message: "`\(key)` of the entry of \(client) is a \(other.typeName), not a number")
            }
        }
        guard let issuedAt = try optionalNumber("issuedAt") else {
            throw StateFileError(message: "the entry of \(client) has no `issuedAt` number")
        }
        var expiresIn: Int?
        if let seconds = try optionalNumber("expiresIn") {
            guard let whole = Int(exactly: seconds) else {
                throw StateFileError(message: "`expiresIn` of the entry of \(client) is not a whole number")
            }
            expiresIn = whole
        }
        self.init(
            fingerprint: try required("fingerprint"), issuer: try required("issuer"), clientID: try required("clientID"),
            accessToken: try required("accessToken"), tokenType: try required("tokenType"), expiresIn: expiresIn,
            expiresAt: try optionalNumber("expiresAt").map { Date(timeIntervalSince1970: $0) }, scope: try optionalString("scope"),
            issuedAt: Date(timeIntervalSince1970: issuedAt), outputsDigest: try optionalString("outputsDigest")
        )
    }
}
