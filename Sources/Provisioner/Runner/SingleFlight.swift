/// Shares one in-flight computation per key among every concurrent caller.
///
/// The runner uses it so that hundreds of grants starting at once against the
/// same issuer cause exactly one discovery request; later callers get the
/// stored result (success or failure) without asking again.
public actor SingleFlight<Key: Hashable & Sendable, Value: Sendable> {
    private var tasks: [Key: Task<Value, any Error>] = [:]

    /// Creates an empty cache.
    public init() {}

    /// The value for `key`, computing it with `work` only if no caller has yet.
    public func value(for key: Key, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = tasks[key] {
            return try await task.value
        }
        let task = Task { try await work() }
        tasks[key] = task
        return try await task.value
    }
}
