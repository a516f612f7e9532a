import ArgumentParser

/// Options every subcommand shares; include with `@OptionGroup var global: GlobalOptions`.
struct GlobalOptions: ParsableArguments {
    /// How log lines and diagnostics are printed.
    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(
        help: ArgumentHelp(
            "Folder that output paths resolve against and must stay inside (default: each manifest's folder).", valueName: "dir"),
        completion: .directory)
    var outputRoot: String?

    @Option(help: "Log and diagnostic format: text or json.")
    var logFormat: LogFormat = .text

    @Flag(name: [.short, .long], help: "Print errors only.")
    var quiet = false
}

/// Shell completion of manifest arguments.
enum ManifestCompletion {
    /// The file name extensions offered for manifests.
    static let extensions = ["yaml", "yml"]
}
