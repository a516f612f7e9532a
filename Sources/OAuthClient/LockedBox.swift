import Foundation

/// A value guarded by a lock, for small state shared across concurrent tasks.
///
/// An `NSLock` (a pthread mutex) rather than `Synchronization.Mutex`: on Linux
/// the latter is a bare futex that ThreadSanitizer cannot see, so every access
/// it guards would be reported as a race and real races would drown.
package final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
