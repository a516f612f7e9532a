import ArgumentParser
import Logging
import Provisioner

/// The `tokensmith` command: subcommands only, each in its own file.
///
/// Adding a subcommand is one line in `subcommands`. Command-line mistakes
/// exit with status 2, like manifest errors, as the manifest contract says.
@main
struct Tokensmith: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokensmith",
        abstract: "Get OAuth 2.0 client-credentials tokens for every client in a manifest and write them out.",
        version: tokensmithVersion,
        subcommands: [
            Run.self,
            Watch.self,
            Exec.self,
            Token.self,
            Validate.self,
            Schema.self,
        ]
    )

    /// Like ArgumentParser's `main`, but usage errors exit with 2 instead of 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                if asksForJSONLogs(Array(CommandLine.arguments.dropFirst())) {
                    // One JSON line like every other under --log-format json.
                    let logger = Logger(label: "tokensmith") { _ in LineLogHandler(json: true, level: .error) }
                    logger.error("\(fullMessage(for: error))")
                } else {
                    var standardError = StandardError()
                    print(fullMessage(for: error), to: &standardError)
                }
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}

/// Whether the command line (without the program name) has `--log-format json`
/// before any `--`; read directly because a usage error stops parsing.
func asksForJSONLogs(_ arguments: [String]) -> Bool {
    for (index, argument) in arguments.enumerated() {
        if argument == "--" { return false }
        if argument == "--log-format=json" { return true }
        if argument == "--log-format", index + 1 < arguments.count, arguments[index + 1] == "json" { return true }
    }
    return false
}
