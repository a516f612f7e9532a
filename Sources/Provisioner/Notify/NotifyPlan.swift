/// Which `notify` actions a batch calls for, with the clients behind each.
package enum NotifyPlan {
    /// The actions of the outputs a batch wrote with new tokens: each granted
    /// client's own outputs, and every aggregate output when any client was
    /// granted and the aggregate was written. An action named by several
    /// outputs appears once, with every client that changed.
    package static func triggers(after summary: RunSummary, manifest: Manifest) -> [NotifyAction: [String]] {
        let granted = summary.results.filter { $0.status == .granted }.map(\.name)
        guard !granted.isEmpty else { return [:] }
        var triggers: [NotifyAction: [String]] = [:]
        for name in granted {
            guard let client = manifest.client(named: name) else { continue }
            for output in client.outputs {
                for action in output.notify { triggers[action, default: []].append(name) }
            }
        }
        let failedPaths = Set(summary.writeErrors.compactMap(\.path))
        for output in manifest.outputs where !output.notify.isEmpty {
            // An aggregate left as it was changed nothing.
            guard !failedPaths.contains(output.path) else { continue }
            for action in output.notify { triggers[action, default: []].append(contentsOf: granted) }
        }
        return triggers.mapValues { Array(Set($0)).sorted() }
    }
}
