import Foundation

extension TokenState {
    /// Encodes the state as one line of JSON with sorted keys, so unchanged
    /// state gives identical bytes: member names as the properties, dates as
    /// seconds since 1970, absent optionals left out.
    ///
    /// Written by hand into one buffer: `JSONEncoder` builds a tree of the
    /// whole file first, which for 10,000 clients cost more memory than the
    /// rest of the run's end — measured by `Benchmarks/run`'s rows "10,000
    /// clients, client_secret_basic, env per client + JSON (tmpfs)" (peak
    /// RSS) and "second run within renew_before" (the state is read and
    /// written there too); keep this fast path unless those rows say otherwise.
    package func encoded() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + clients.count * 512)
        out.append(contentsOf: Array(#"{"clients":{"#.utf8))
        for (index, name) in clients.keys.sorted().enumerated() {
            guard let entry = clients[name] else { continue }
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            entry.append(to: &out)
        }
        out.append(contentsOf: Array(#"},"version":"#.utf8))
        JSONText.appendInteger(version, to: &out)
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }
}

extension TokenState.Entry {
    /// The entry's object, members in sorted order.
    fileprivate func append(to out: inout [UInt8]) {
        var first = true
        func member(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: Array("\":".utf8))
        }
        func seconds(_ date: Date) {
            let value = date.timeIntervalSince1970
            out.append(contentsOf: (value.isFinite ? "\(value)" : "0").utf8)
        }
        member("accessToken"); JSONText.appendString(token.accessToken, to: &out)
        member("clientID"); JSONText.appendString(token.clientID, to: &out)
        if let expiresAt = token.expiresAt { member("expiresAt"); seconds(expiresAt) }
        if let expiresIn = token.expiresIn { member("expiresIn"); JSONText.appendInteger(expiresIn, to: &out) }
        member("fingerprint"); JSONText.appendString(fingerprint, to: &out)
        member("issuedAt"); seconds(token.issuedAt)
        member("issuer"); JSONText.appendString(token.issuer, to: &out)
        if let outputsDigest { member("outputsDigest"); JSONText.appendString(outputsDigest, to: &out) }
        if let outputsStamp { member("outputsStamp"); JSONText.appendString(outputsStamp, to: &out) }
        if let scope = token.scope { member("scope"); JSONText.appendString(scope, to: &out) }
        member("tokenType"); JSONText.appendString(token.tokenType, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
