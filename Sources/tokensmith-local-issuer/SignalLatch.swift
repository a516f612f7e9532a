import Dispatch
import Foundation

/// Resumes a continuation once, on the first of several signals.
///
/// Only touched from the serial signal queue, hence `@unchecked Sendable`.
final class SignalLatch: @unchecked Sendable {
    private var continuation: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    /// Resumes the continuation the first time; later signals are ignored.
    func fire() {
        continuation?.resume()
        continuation = nil
    }

    /// Keeps a signal source alive for the life of the process.
    static func keep(_ source: any DispatchSourceSignal) {
        sources.append(source)
    }
}

/// Waits until the process receives SIGINT or SIGTERM (both must already be ignored with `signal`).
///
/// Nonisolated, so the dispatch handlers do not inherit the main actor of top-level code.
func waitForTerminationSignal() async {
    let queue = DispatchQueue(label: "tokensmith-local-issuer.signals")
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let latch = SignalLatch(continuation)
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { latch.fire() }
            source.resume()
            SignalLatch.keep(source)
        }
    }
}
