import Foundation
import YAMLKit

/// A manifest given as `-`: read from standard input, once per run.
///
/// Diagnostics name it `<stdin>`; relative paths in it (secret and key files,
/// outputs) resolve against the current folder, as if it were a file there.
enum StandardInputManifest {
    /// The argument that stands for standard input.
    static let argument = "-"
    /// The name diagnostics use for it.
    static let name = "<stdin>"

    /// Reads standard input to its end; a failure sentence when it cannot be read
    /// or holds more than `limit` bytes (refused as it arrives, not after).
    static func read(limit: Int = ParserLimits().maxInputBytes) -> Result<ManifestSource, ReadFailure> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(message: "standard input cannot be read (\(String(cString: strerror(errno))))"))
            }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit {
                return .failure(
                    ReadFailure(message: "the manifest on standard input is over the limit of \(limit) bytes; split it into several files"))
            }
        }
        return .success(ManifestSource(path: name, bytes: bytes))
    }

    /// Why standard input gave no manifest.
    struct ReadFailure: Error {
        let message: String
    }
}
