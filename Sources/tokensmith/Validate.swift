import ArgumentParser
import Foundation
import Provisioner

/// `tokensmith validate MANIFEST...`: static checks only, no network.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check manifests without contacting any server.",
        discussion: """
            Prints every problem as file:line:column diagnostics on standard error and a \
            summary line on standard output. Exits 0 when clean, 2 on errors (or on \
            warnings with --strict). With --shard or --shard-count, checks the manifest \
            as that shard's run reads it (${TOKENSMITH_SHARD} defined, aggregate output \
            paths named per shard).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @OptionGroup var sharding: ShardOptions

    @Flag(
        help: ArgumentHelp(
            "Check secrets for shape only: ${VAR} references in secrets need not be set, secret and key files need not exist (CI before its secrets are there)."
        ))
    var noSecrets = false

    @Argument(
        help: ArgumentHelp(
            "Manifest files; several are merged (names stay unique across them); - reads one from standard input.", valueName: "manifest"),
        completion: .file(extensions: ManifestCompletion.extensions))
    var manifests: [String] = []

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("Give at least one manifest file.") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var loader = ManifestLoader(environment: environment, outputRoot: global.outputRoot)
        loader.computesFingerprints = false
        loader.shard = sharding.resolved(environment: environment)
        loader.resolvesSecrets = !noSecrets
        let result = loader.load(paths: manifests)
        let rendered = ValidationOutput.render(result, json: global.logFormat == .json, includeWarnings: !global.quiet)
        if !rendered.isEmpty {
            var standardError = StandardError()
            print(rendered, to: &standardError)
        }
        if !global.quiet { print(result.summary) }
        exitSkippingTeardown(ValidationOutput.exitStatus(for: result, strict: strict), keepingAlive: result)
    }
}
