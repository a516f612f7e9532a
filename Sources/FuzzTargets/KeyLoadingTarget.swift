import OAuthClient

/// A private key file in any form the manifest accepts: loaded or refused with a message.
///
/// Fields: algorithm choice, key id, file text. A loaded key must sign, and
/// no refusal message may quote the key material back.
enum KeyLoadingTarget {
    static let algorithms: [JWSAlgorithm?] = [nil] + JWSAlgorithm.allCases.map { $0 }

    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        var fields = FuzzFields(input)
        let algorithm = algorithms[Int(fields.byte()) % algorithms.count]
        let keyID = fields.text()
        let text = fields.text()
        guard text.utf8.count <= 64 << 10 else { return }
        do {
            let key = try SigningKey(text: text, algorithm: algorithm, keyID: keyID.isEmpty ? nil : keyID)
            if let algorithm, key.algorithm != algorithm {
                throw FuzzFinding("asked for \(algorithm.rawValue), loaded a key for \(key.algorithm.rawValue)")
            }
            _ = try key.sign(Array("header.payload".utf8))
        } catch let finding as FuzzFinding {
            throw finding
        } catch {
            let message = String(describing: error)
            // Armour lines (even mangled ones, `---BEGIN PRIVATE KEY----`) are
            // not key material, and the messages name the expected armour.
            for line in text.split(whereSeparator: \.isNewline)
            where line.utf8.count >= 24 && !line.contains("BEGIN") && !line.contains("END") && !line.contains("---") {
                if message.contains(line) { throw FuzzFinding("a refusal quotes a line of the key file: \(message)") }
            }
        }
    }
}
