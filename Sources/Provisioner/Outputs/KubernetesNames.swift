/// Kubernetes' naming rules for Secrets, checked before anything is written,
/// so a bad manifest fails here with a precise message instead of at `kubectl apply`.
///
/// Each check returns nil when the value is valid, or a phrase saying what is wrong.
enum KubernetesNames {
    /// A DNS-1123 subdomain: ≤ 253, dot-separated labels of `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
    static func subdomainProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return "is empty" }
        if bytes.count > 253 { return "is \(bytes.count) characters long; at most 253 are allowed" }
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard isDNSLabel(label) else {
                return
                    "must be lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit, with no empty part between dots"
            }
        }
        return nil
    }

    /// A DNS-1123 label: ≤ 63, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
    static func labelNameProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return "is empty" }
        if bytes.count > 63 { return "is \(bytes.count) characters long; at most 63 are allowed" }
        guard isDNSLabel(bytes[...]) else {
            return "must be lower-case letters, digits and `-`, starting and ending with a letter or digit"
        }
        return nil
    }

    /// The JSON Schema pattern of a data key (the length and `.`/`..` rules are checked by ``dataKeyProblem(_:)``).
    static let dataKeyPattern = "^[-._a-zA-Z0-9]+$"

    /// A Secret data key: `[-._a-zA-Z0-9]+`, ≤ 253, not `.` or `..`.
    static func dataKeyProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return "is empty" }
        if bytes.count > 253 { return "is \(bytes.count) characters long; at most 253 are allowed" }
        if value == "." || value == ".." { return "may not be `.` or `..`" }
        guard bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") })
        else {
            return "may hold only letters, digits, `-`, `.` and `_`"
        }
        return nil
    }

    /// A label or annotation key: optional DNS-subdomain prefix and `/`, then a
    /// name of ≤ 63 matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
    static func qualifiedNameProblem(_ value: String) -> String? {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "may hold at most one `/` (between prefix and name)" }
        if parts.count == 2 {
            if let problem = subdomainProblem(String(parts[0])) { return "has a prefix that \(problem)" }
        }
        let name = Array(parts[parts.count - 1].utf8)
        if name.isEmpty { return "has an empty name part" }
        if name.count > 63 { return "has a name part of \(name.count) characters; at most 63 are allowed" }
        guard isLabelValueShape(name) else {
            return "has a name part that is not letters, digits, `-`, `_` and `.` starting and ending with a letter or digit"
        }
        return nil
    }

    /// A label value: empty, or ≤ 63 matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
    static func labelValueProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return nil }
        if bytes.count > 63 { return "is \(bytes.count) characters long; at most 63 are allowed" }
        guard isLabelValueShape(bytes) else {
            return "must be letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"
        }
        return nil
    }

    private static func isDNSLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard let first = label.first, let last = label.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        return label.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLabelValueShape(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
