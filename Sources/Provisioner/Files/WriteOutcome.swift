/// What writing one target did, so callers can count churn.
package enum WriteOutcome: Sendable, Hashable {
    /// New content was renamed over the target.
    case written
    /// The target already held exactly these bytes and mode; nothing was touched.
    case unchanged
    /// The target already held these bytes; only its mode was changed.
    case modeChanged
    /// The bytes went to standard output.
    case standardOutput
}
