/// The manifest's `defaults` block: settings every issuer and client inherits.
package struct Defaults: Sendable, Hashable {
    /// Timeout of one HTTP request (`timeout`).
    package var timeout: Duration
    /// Retries of retryable failures (`retry`).
    package var retry: RetryPolicy
    /// A client whose last token stays valid longer than this is skipped (`renew_before`).
    package var renewBefore: Duration
    /// Global number of grants in flight (`concurrency`); the CLI's `--concurrency` wins.
    package var concurrency: Int

    /// Creates defaults; the parameter defaults are the built-in values.
    package init(
        timeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy(),
        renewBefore: Duration = .seconds(600), concurrency: Int = 32
    ) {
        self.timeout = timeout
        self.retry = retry
        self.renewBefore = renewBefore
        self.concurrency = concurrency
    }

    /// The values used when the manifest has no `defaults`.
    package static let builtIn = Defaults()

    /// The per-grant settings these defaults give before any override.
    package var settings: EffectiveSettings {
        EffectiveSettings(timeout: timeout, retry: retry, renewBefore: renewBefore)
    }
}

/// The settings one grant runs with after `defaults` ← issuer ← client overrides,
/// so the runner never re-derives them.
package struct EffectiveSettings: Sendable, Hashable {
    /// Timeout of one HTTP request.
    package var timeout: Duration
    /// Retry policy.
    package var retry: RetryPolicy
    /// Renewal window: skip while the cached token stays valid longer than this.
    package var renewBefore: Duration

    /// Creates effective settings.
    package init(timeout: Duration, retry: RetryPolicy, renewBefore: Duration) {
        self.timeout = timeout
        self.retry = retry
        self.renewBefore = renewBefore
    }
}

/// Overrides of the inheritable settings given in an issuer or a client; nil keeps the inherited value.
struct SettingsOverride: Sendable, Hashable {
    var timeout: Duration?
    var attempts: Int?
    var initialBackoff: Duration?
    var maxBackoff: Duration?
    var renewBefore: Duration?

    func applied(to base: EffectiveSettings) -> EffectiveSettings {
        var result = base
        if let timeout { result.timeout = timeout }
        if let attempts { result.retry.attempts = attempts }
        if let initialBackoff { result.retry.initialBackoff = initialBackoff }
        if let maxBackoff { result.retry.maxBackoff = maxBackoff }
        if let renewBefore { result.renewBefore = renewBefore }
        return result
    }
}
