/// Compact JWS serialisation (RFC 7515) with caller-built JSON headers and claims.
enum JWS {
    /// The base64url segment of a JSON text.
    static func segment(_ json: String) -> String {
        Base64URL.encode(Array(json.utf8))
    }

    /// `header.payload.signature`, where `headerSegment` is already base64url.
    static func sign(headerSegment: String, claims: String, key: SigningKey) throws(OAuthClientError) -> String {
        var input = headerSegment
        input += "."
        input += segment(claims)
        let signature = try key.sign(Array(input.utf8))
        input += "."
        input += Base64URL.encode(signature)
        return input
    }

    /// A JSON header object from members; values already JSON.
    static func header(_ members: [(String, String)]) -> String {
        var out = "{"
        for (offset, member) in members.enumerated() {
            if offset > 0 { out += "," }
            JSONWriter.writeString(member.0, into: &out)
            out += ":"
            out += member.1
        }
        return out + "}"
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = ""
        JSONWriter.writeString(text, into: &out)
        return out
    }

    /// 256 random bits, base64url: a `jti` that cannot repeat in practice.
    static func randomIdentifier() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
        }
        return Base64URL.encode(bytes)
    }
}
