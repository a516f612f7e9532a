package import Foundation
import NIOConcurrencyHelpers
import Prometheus

/// The Prometheus metrics `watch` serves on `/metrics`, kept in a
/// swift-prometheus registry.
///
/// Per client (labels `client` and `issuer`, the manifest's names, never a
/// token, secret or client id): the token's expiry, the last success, whether
/// it is failing, the next renewal time, its last grant's duration and
/// attempts, and counters of renewals and failed renewals; for the process:
/// batches, clients ready and not, and the last batch's outcome counts,
/// duration and end time (the `run` metrics' names, for one dashboard).
package final class WatchMetrics: Sendable {
    private struct ClientSeries {
        var expiry: Gauge
        var lastSuccess: Gauge
        var failed: Gauge
        var nextRenewal: Gauge
        var grantDuration: Gauge
        var grantAttempts: Gauge
        var renewals: Counter
        var failures: Counter
        /// The status counts already added to the counters.
        var countedRenewals = 0
        var countedFailures = 0
    }

    private let registry = PrometheusCollectorRegistry()
    private let series = NIOLockedValueBox<[String: ClientSeries]>([:])
    private let batches: Counter
    private let ready: Gauge
    private let unready: Gauge
    private let lastBatch: Gauge
    private let batchDuration: Gauge
    private let batchClients: [ClientResult.Status: Gauge]

    /// Creates the registry and the process-wide series.
    package init() {
        batches = registry.makeCounter(
            descriptor: Self.name("watch_batches", unit: "total", help: "Batches of renewals since the process started."))
        let clients = Self.name("watch_clients", unit: "", help: "Selected clients by whether they hold an unexpired token.")
        ready = registry.makeGauge(descriptor: clients, labels: [("state", "ready")])
        unready = registry.makeGauge(descriptor: clients, labels: [("state", "unready")])
        lastBatch = registry.makeGauge(
            descriptor: Self.name("run_finished_timestamp", unit: "seconds", help: "Unix time at which the last batch finished."))
        batchDuration = registry.makeGauge(descriptor: Self.name("run_duration", unit: "seconds", help: "Wall time of the last batch."))
        let runClients = Self.name("run_clients", unit: "", help: "Clients in the last batch by outcome.")
        var gauges: [ClientResult.Status: Gauge] = [:]
        for status in [ClientResult.Status.granted, .skipped, .failed, .cancelled] {
            gauges[status] = registry.makeGauge(descriptor: runClients, labels: [("status", status.rawValue)])
        }
        batchClients = gauges
    }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tokensmith", metricName: metric, unitName: unit, helpText: help)
    }

    /// Brings every series up to `snapshot` at `now`; series of clients no
    /// longer selected are removed.
    package func update(from snapshot: WatchStatus.Snapshot, now: Date) {
        series.withLockedValue { series in
            for (name, client) in snapshot.clients {
                var entry = series[name] ?? makeSeries(client: name, issuer: client.issuer)
                entry.expiry.set(to: client.expiresAt?.timeIntervalSince1970 ?? 0)
                entry.lastSuccess.set(to: client.lastSuccess?.timeIntervalSince1970 ?? 0)
                entry.failed.set(to: client.consecutiveFailures > 0 ? 1 : 0)
                entry.nextRenewal.set(to: client.nextRenewal?.timeIntervalSince1970 ?? 0)
                entry.grantDuration.set(to: client.lastGrantDuration ?? 0)
                entry.grantAttempts.set(to: Double(client.lastGrantAttempts ?? 0))
                entry.renewals.increment(by: Int64(max(0, client.renewals - entry.countedRenewals)))
                entry.failures.increment(by: Int64(max(0, client.failures - entry.countedFailures)))
                entry.countedRenewals = client.renewals
                entry.countedFailures = client.failures
                series[name] = entry
            }
            for name in series.keys where snapshot.clients[name] == nil {
                guard let gone = series.removeValue(forKey: name) else { continue }
                for gauge in [gone.expiry, gone.lastSuccess, gone.failed, gone.nextRenewal, gone.grantDuration, gone.grantAttempts] {
                    registry.unregisterGauge(gauge)
                }
                registry.unregisterCounter(gone.renewals)
                registry.unregisterCounter(gone.failures)
            }
        }
        let unreadyCount = snapshot.unready(at: now).count
        ready.set(to: Double(snapshot.clients.count - unreadyCount))
        unready.set(to: Double(unreadyCount))
        batches.increment(
            by: Int64(
                max(
                    0,
                    snapshot.batches
                        - countedBatches.withLockedValue { counted in
                            defer { counted = snapshot.batches }
                            return counted
                        })))
        lastBatch.set(to: snapshot.lastBatchAt?.timeIntervalSince1970 ?? 0)
        batchDuration.set(to: snapshot.lastBatchDuration)
        for (status, gauge) in batchClients { gauge.set(to: Double(snapshot.lastBatchCounts[status] ?? 0)) }
    }

    private let countedBatches = NIOLockedValueBox(0)

    /// The exposition text (Prometheus text format 0.0.4).
    package func render() -> [UInt8] {
        registry.emitToBuffer()
    }

    private func makeSeries(client: String, issuer: String) -> ClientSeries {
        let labels = [("client", client), ("issuer", issuer)]
        func gauge(_ metric: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: Self.name(metric, unit: "seconds", help: help), labels: labels)
        }
        return ClientSeries(
            expiry: gauge("client_token_expiry_timestamp", "Unix time at which the client's current token expires."),
            lastSuccess: gauge("client_last_success_timestamp", "Unix time of the client's last successful grant."),
            failed: registry.makeGauge(
                descriptor: Self.name("client_failed", unit: "", help: "1 while the client's renewals fail, else 0."), labels: labels),
            nextRenewal: gauge("client_next_renewal_timestamp", "Unix time of the client's next renewal or retry."),
            grantDuration: registry.makeGauge(
                descriptor: Self.name(
                    "client_grant_duration", unit: "seconds", help: "Wall time of the client's last grant, retries included."),
                labels: labels),
            grantAttempts: registry.makeGauge(
                descriptor: Self.name("client_grant_attempts", unit: "", help: "Token requests sent for the client's last grant."),
                labels: labels),
            renewals: registry.makeCounter(
                descriptor: Self.name("client_renewals", unit: "total", help: "Successful grants since the process started."),
                labels: labels),
            failures: registry.makeCounter(
                descriptor: Self.name("client_renewal_failures", unit: "total", help: "Failed renewals since the process started."),
                labels: labels))
    }
}
