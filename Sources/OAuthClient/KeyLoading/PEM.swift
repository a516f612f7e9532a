/// PEM text (RFC 7468): labelled base64 blocks.
struct PEMBlock {
    let label: String
    let der: [UInt8]

    /// Every well-formed block in `text`, in order; other text between blocks is ignored.
    static func parseAll(_ text: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingSpaces()
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst(11).dropLast(5))
                body = ""
            } else if line.hasPrefix("-----END "), line.hasSuffix("-----") {
                let endLabel = String(line.dropFirst(9).dropLast(5))
                if let current = label, current == endLabel, let der = Base64URL.decode(body), !der.isEmpty {
                    blocks.append(PEMBlock(label: current, der: der))
                }
                label = nil
            } else if label != nil {
                // Encrypted legacy PEM headers ("Proc-Type: …") make the block unusable on purpose.
                body += line
            }
        }
        return blocks
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
