internal import NIOCore

/// A task executor that runs every job on one SwiftNIO event loop.
///
/// Work started from a channel callback (the mTLS certificate check) runs here
/// rather than on Swift's global concurrency pool: a process that keeps that
/// pool busy with blocking work — a test bundle running long synchronous tests
/// on a 2-core machine — must not stall a TLS handshake until the client gives up.
@available(macOS 15, *)
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
