import ArgumentParser
import Provisioner

/// `--only`, shared by `run`, `watch` and `exec`: the clients to act on, by
/// name or glob; every pattern must match a client of the manifest.
struct ClientSelection: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Only these clients: names and globs, comma-separated (e.g. billing,report*); each must match a client.", valueName: "names"))
    var only: String?

    func validate() throws {
        if let only, NameFilter(parsing: only).patterns.isEmpty {
            throw ValidationError("--only needs at least one client name or glob, e.g. --only billing,report*.")
        }
    }

    /// The parsed `--only` (matching every client without it).
    var filter: NameFilter { only.map(NameFilter.init(parsing:)) ?? NameFilter(patterns: []) }
}
