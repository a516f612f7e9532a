import ArgumentParser
import Foundation
import Provisioner

/// `--shard I/N` and `--shard-count N`, shared by `run` and `validate`: with
/// either, `${TOKENSMITH_SHARD}` is the shard index in the manifest, and every
/// aggregate output path must use it (each shard writes its own file).
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Take shard I of N: the clients whose name hashes to I (0-based). Aggregate outputs then hold this shard's clients, so their paths must use ${TOKENSMITH_SHARD}.",
            valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Number of shards for a Kubernetes Indexed Job; the index comes from JOB_COMPLETION_INDEX.", valueName: "N"))
    var shardCount: Int?

    func validate() throws {
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard takes I/N with 0 <= I < N, e.g. --shard 0/4.")
        }
        if shard != nil && shardCount != nil { throw ValidationError("Use either --shard or --shard-count, not both.") }
        if let shardCount {
            guard shardCount >= 1 else { throw ValidationError("--shard-count must be at least 1.") }
            guard resolved(environment: ProcessInfo.processInfo.environment) != nil else {
                throw ValidationError(
                    "--shard-count needs JOB_COMPLETION_INDEX set to 0..<\(shardCount) (Kubernetes sets it in Indexed Jobs).")
            }
        }
    }

    /// This process's shard, nil when not sharding (or, before ``validate()``, when invalid).
    func resolved(environment: [String: String]) -> Shard? {
        if let shardCount {
            return environment["JOB_COMPLETION_INDEX"].flatMap(Int.init).flatMap { Shard(index: $0, count: shardCount) }
        }
        return shard.flatMap(Shard.init(parsing:))
    }
}
