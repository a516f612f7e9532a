import Foundation
import OAuthClient
import YAMLKit

extension TokenState {
    /// Decodes a state file's bytes: the layout ``encoded()`` writes (member
    /// names as the properties, dates as seconds since 1970).
    ///
    /// Read straight into entries with OAuthClient's pull reader rather than
    /// `JSONDecoder` or a JSON tree: the file is read on every cron run, and
    /// for 10,000 clients this is a large share of an idle run.
    package static func decode(_ bytes: [UInt8]) throws -> TokenState {
        var reader = JSONReader(bytes: bytes)
        var version: Int?
        var clients: [String: Entry]?
        do {
            let kind = try reader.peek()
            guard kind == .object else { throw StateFileError(message: "it holds a JSON \(kind.name), not an object") }
            try reader.readObject { reader, key in
                switch key {
                case "version":
                    guard version == nil else { throw StateFileError(message: "it has `version` twice") }
                    guard try reader.peek() == .number, let number = Int(exactly: try reader.readNumber()) else {
                        throw StateFileError(message: "it has no `version` number")
                    }
                    version = number
                case "clients":
                    guard clients == nil else { throw StateFileError(message: "it has `clients` twice") }
                    guard try reader.peek() == .object else { throw StateFileError(message: "it has no `clients` object") }
                    var entries: [String: Entry] = [:]
                    try reader.readObject { reader, name in
                        let kind = try reader.peek()
                        guard kind == .object else {
                            throw StateFileError(message: "the entry of \(name) is a JSON \(kind.name), not an object")
                        }
                        guard entries[name] == nil else { throw StateFileError(message: "the entry of \(name) is there twice") }
                        entries[name] = try Entry(reading: &reader, client: name)
                    }
                    clients = entries
                default:
                    try reader.skipValue()
                }
            }
            try reader.finish()
        } catch let error as StateFileError {
            throw error
        } catch {
            throw StateFileError(message: "\(error)")
        }
        guard let version else { throw StateFileError(message: "it has no `version` number") }
        guard version == 1 else {
            throw StateFileError(message: "it has version \(version); this tokensmith reads version 1")
        }
        guard let clients else { throw StateFileError(message: "it has no `clients` object") }
        var state = TokenState(clients: clients)
        state.version = version
        return state
    }
}

extension TokenState.Entry {
    /// The members an entry may have, in one place for reading and for
    /// telling a repeated member.
    private static let members = [
        "fingerprint", "issuer", "clientID", "accessToken", "tokenType", "scope", "outputsDigest", "outputsStamp",
        "issuedAt", "expiresIn", "expiresAt",
    ]
    /// Each member name's length and first byte, compared before the name.
    private static let memberTags = members.map(\.lengthAndFirstByte)

    private static func slot(of key: String) -> Int? {
        let keyTag = key.lengthAndFirstByte
        for index in memberTags.indices where memberTags[index] == keyTag && members[index] == key {
            return index
        }
        return nil
    }

    /// Reads one entry object; unknown members are skipped.
    fileprivate init(reading reader: inout JSONReader, client: String) throws {
        var strings = [String?](repeating: nil, count: 8)
        var numbers = [Double?](repeating: nil, count: 3)
        var seen = 0
        try reader.readObject { reader, key in
            guard let slot = Self.slot(of: key) else { return try reader.skipValue() }
            guard seen & (1 << slot) == 0 else { throw StateFileError(message: "the entry of \(client) has `\(key)` twice") }
            seen |= 1 << slot
            let kind = try reader.peek()
            switch (slot, kind) {
            case (0..<8, .string): strings[slot] = try reader.readString()
            case (5..<8, .null), (8..<11, .null): try reader.skipValue()
            case (0..<5, _): throw StateFileError(message: "the entry of \(client) has no `\(key)` string")
            case (5..<8, _): throw StateFileError(message: "`\(key)` of the entry of \(client) is a \(kind.name), not a string")
            case (_, .number): numbers[slot - 8] = try reader.readNumber()
            default: throw StateFileError(message: "`\(key)` of the entry of \(client) is a \(kind.name), not a number")
            }
        }
        func required(_ slot: Int) throws -> String {
            guard let text = strings[slot] else {
                throw StateFileError(message: "the entry of \(client) has no `\(Self.members[slot])` string")
            }
            return text
        }
        guard let issuedAt = numbers[0] else {
            throw StateFileError(message: "the entry of \(client) has no `issuedAt` number")
        }
        var expiresIn: Int?
        if let seconds = numbers[1] {
            guard let whole = Int(exactly: seconds) else {
                throw StateFileError(message: "`expiresIn` of the entry of \(client) is not a whole number")
            }
            expiresIn = whole
        }
        let fingerprint = try required(0)
        let token = IssuedToken(
            clientName: client, issuer: try required(1), clientID: try required(2), accessToken: try required(3),
            tokenType: try required(4), expiresIn: expiresIn, expiresAt: numbers[2].map { Date(timeIntervalSince1970: $0) },
            scope: strings[5], issuedAt: Date(timeIntervalSince1970: issuedAt)
        )
        self.init(token: token, fingerprint: fingerprint, outputsDigest: strings[6], outputsStamp: strings[7])
    }
}
