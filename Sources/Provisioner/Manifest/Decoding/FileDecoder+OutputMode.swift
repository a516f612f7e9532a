import YAMLKit

/// Output files hold access tokens: a `mode` that lets the group write them or
/// others touch them at all earns a warning.
extension FileDecoder {
    /// Group write (`0o020`) and every bit for others (`0o007`).
    static let unsafeOutputModeBits: UInt16 = 0o027

    /// Warns about `mode` when it gives group write or any access to others.
    func checkOutputMode(_ mode: UInt16, at mark: Mark, path: @autoclosure () -> String) {
        guard mode & Self.unsafeOutputModeBits != 0 else { return }
        var who: [String] = []
        if mode & 0o020 != 0 { who.append("the group write") }
        let bits: [(UInt16, String)] = [(0o004, "read"), (0o002, "write"), (0o001, "execute")]
        let others = bits.filter { mode & $0.0 != 0 }.map(\.1)
        if !others.isEmpty { who.append("others " + others.joined(separator: " and ")) }
        let octal = String(mode, radix: 8)
        warning(
            "output `mode` \(String(repeating: "0", count: max(0, 4 - octal.count)) + octal) lets \(who.joined(separator: " and ")) a file that holds access tokens; use 0600, or 0640 to let one group read it",
            at: mark, path: path()
        )
    }
}
