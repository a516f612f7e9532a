import ArgumentParser
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
                var standardError = StandardError()
                print(fullMessage(for: error), to: &standardError)
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
