import Foundation
import Provisioner

/// Report and metrics files: written atomically like every output, their
/// own folder the root.
enum SideFile {
    /// Writes `bytes` to `path`; returns what went wrong, naming the file, or nil when it was written.
    static func write(_ bytes: [UInt8], to path: String, what: String, mode: UInt16 = 0o600) -> WriteFailure? {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        do {
            _ = try AtomicFileWriter(root: url.deletingLastPathComponent().path).write(bytes, to: url.path, mode: mode)
            return nil
        } catch {
            return WriteFailure(.sideFile, "the \(what) was not written: \(error)")
        }
    }
}
