import Foundation

/// A value guarded by a lock (LocalIssuer keeps its own, independent of the
/// client it tests).
///
/// An `NSLock` (a pthread mutex) rather than `Synchronization.Mutex`: on Linux
/// the latter is a bare futex that ThreadSanitizer cannot see.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
