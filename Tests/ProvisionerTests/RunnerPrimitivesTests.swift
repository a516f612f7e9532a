import Foundation
import NIOConcurrencyHelpers
import Testing
import OAuthClient
@testable import Provisioner

@Suite("Runner building blocks")
struct RunnerPrimitivesTests {
    @Test("the state file lock is exclusive, gives up after its timeout with a message naming it, and frees on release")
    func stateFileLock() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let statePath = folder.appendingPathComponent("state.json").path
        var first: StateFileLock? = try await StateFileLock.acquire(statePath: statePath)
        #expect(first != nil)
        do {
            _ = try await StateFileLock.acquire(statePath: statePath, timeout: .milliseconds(150))
            Issue.record("a second lock was granted while the first was held")
        } catch {
            #expect(error.message.contains(statePath + ".lock"))
            #expect(error.message.contains("another tokensmith run held it"))
        }
        first = nil
        _ = try await StateFileLock.acquire(statePath: statePath, timeout: .milliseconds(150))
        let mode = try FileManager.default.attributesOfItem(atPath: statePath + ".lock")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("AsyncLimiter never lets more than its limit in at once")
    func limiterBound() async throws {
        let limiter = AsyncLimiter(limit: 3)
        let counters = NIOLockedValueBox((current: 0, peak: 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await limiter.acquire()
                    defer { limiter.release() }
                    counters.withLockedValue {
                        $0.current += 1; $0.peak = max($0.peak, $0.current)
                    }
                    try await Task.sleep(for: .milliseconds(2))
                    counters.withLockedValue { $0.current -= 1 }
                }
            }
            try await group.waitForAll()
        }
        #expect(counters.withLockedValue { $0.peak } == 3)
        #expect(counters.withLockedValue { $0.current } == 0)
    }

    @Test("a cancelled waiter leaves the queue and the slot stays usable")
    func limiterCancellation() async throws {
        let limiter = AsyncLimiter(limit: 1)
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        limiter.release()
        try await limiter.acquire()  // would hang if the cancelled waiter had taken the slot
        limiter.release()
    }

    @Test("RateLimiter spaces starts: 6 callers arriving together at 100/s get turns 10 ms apart, and a turn never starts before its slot")
    func rateLimiter() async throws {
        let limiter = RateLimiter(count: 100, per: .seconds(1))
        let arrival = ContinuousClock.now + .seconds(1)
        let slots = (0..<6).map { _ in limiter.reserve(at: arrival) }
        #expect(slots == (0..<6).map { arrival + .milliseconds(10) * $0 })
        // A caller arriving after the reserved turns passed starts at once.
        let later = arrival + .seconds(5)
        #expect(limiter.reserve(at: later) == later)
        // waitForTurn returns only after the slot it reserved: each return
        // comes after the instant the next reservation would have started.
        let live = RateLimiter(count: 100, per: .seconds(1))
        for _ in 0..<3 {
            try await live.waitForTurn()
            let returned = ContinuousClock.now
            let next = live.reserve(at: returned)
            #expect(next - .milliseconds(10) <= returned, "a turn started before its slot")
        }
    }

    @Test("The retry policy's backoff stays within full-jitter bounds and caps Retry-After")
    func backoff() {
        let backoff = RetryPolicy(attempts: 4, initialBackoff: .milliseconds(250), maxBackoff: .seconds(8))
        var generator = SystemRandomNumberGenerator()
        for attempt in 1...10 {
            let ceiling = min(Duration.seconds(8), .milliseconds(250) * (1 << (attempt - 1)))
            for _ in 0..<50 {
                let delay = backoff.delay(afterAttempt: attempt, retryAfter: nil, using: &generator)
                #expect(delay >= .zero && delay <= ceiling)
            }
        }
        #expect(backoff.delay(afterAttempt: 1, retryAfter: .seconds(3)) == .seconds(3))
        #expect(backoff.delay(afterAttempt: 1, retryAfter: .seconds(3600)) == .seconds(8))
    }

    @Test("shards 0..N-1 together cover every client exactly once")
    func shards() throws {
        let names = (0..<5000).map { "client-\($0)" }
        for count in [1, 2, 3, 7] {
            var owners = [String: Int]()
            for index in 0..<count {
                let shard = try #require(Shard(index: index, count: count))
                for name in names where shard.owns(name) {
                    #expect(owners[name] == nil)
                    owners[name] = index
                }
            }
            #expect(owners.count == names.count)
        }
        // Stable across runs and machines: a fixed name always lands on the same shard.
        #expect(Shard.hash("a") == 0xAF63_DC4C_8601_EC8C)  // FNV-1a 64 of "a", a published test vector
        #expect(Shard(parsing: "2/3") == Shard(index: 2, count: 3))
        #expect(Shard(parsing: "3/3") == nil)
        #expect(Shard(parsing: "x") == nil)
    }

    @Test("--only takes names and globs")
    func nameFilter() {
        let filter = NameFilter(parsing: "billing, report*,ledger-?")
        #expect(filter.matches("billing"))
        #expect(filter.matches("reports"))
        #expect(filter.matches("report"))
        #expect(filter.matches("ledger-1"))
        #expect(!filter.matches("ledger-10"))
        #expect(!filter.matches("bill"))
        #expect(NameFilter(patterns: []).matches("anything"))
        #expect(filter.unmatchedPatterns(in: ["billing"]) == ["report*", "ledger-?"])
        #expect(NameFilter.glob("*a*b*c", matches: "xxaxxbxxc"))
        #expect(!NameFilter.glob("*a*b*c", matches: "xxaxxbxxd"))
    }

    @Test("Prometheus metrics: one sample per client and family, escaped labels")
    func metrics() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let results = [
            ClientResult(
                name: "billing", issuer: "corp", clientID: "billing-svc", status: .granted, attempts: 2, duration: 0.25,
                expiresAt: now.addingTimeInterval(3600), lastSuccess: now),
            ClientResult(
                name: "we\"ird", issuer: "corp", clientID: "x", status: .failed, errorCode: .oauth("invalid_client"), attempts: 1,
                duration: 0.1),
        ]
        let text = PrometheusMetrics.render(results: results, runDuration: 1.5, finishedAt: now)
        #expect(text.contains("tokensmith_client_last_success_timestamp_seconds{client=\"billing\",issuer=\"corp\"} 1800000000\n"))
        #expect(text.contains("tokensmith_client_token_expiry_timestamp_seconds{client=\"billing\",issuer=\"corp\"} 1800003600\n"))
        #expect(text.contains("tokensmith_client_failed{client=\"we\\\"ird\",issuer=\"corp\"} 1\n"))
        #expect(text.contains("tokensmith_run_clients{status=\"granted\"} 1\n"))
        #expect(text.contains("tokensmith_run_duration_seconds 1.5\n"))
        #expect(!text.contains("billing-svc"))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2, "malformed sample: \(line)")
        }
    }
}
