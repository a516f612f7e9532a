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
            warnings with --strict).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Argument(
        help: ArgumentHelp("Manifest files; several are merged (names stay unique across them); - reads one from standard input.", valueName: "manifest"),
        completion: .file(extensions: ManifestCompletion.extensions))
    var manifests: [String] = []

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("Give at least one manifest file.") }
    }

    func run() throws {
        var loader = ManifestLoader(environment: ProcessInfo.processInfo.environment, outputRoot: global.outputRoot)
        loader.computesFingerprints = false
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
