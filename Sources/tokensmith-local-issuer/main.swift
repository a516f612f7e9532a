// tokensmith-local-issuer: runs a LocalIssuer on 127.0.0.1 until SIGINT or SIGTERM.
//
// Thin on purpose: all logic lives in the LocalIssuer library. The one line on
// stdout (the issuer identifier) is the readiness signal scripts wait for.

import ArgumentParser
import Foundation
import LocalIssuer
import TerminationSignals

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("tokensmith-local-issuer: error: \(message)\n".utf8))
    exit(2)
}

func readText(_ path: String) -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    return text
}

/// Reads the command line; `--help` prints the usage and exits 0, a mistake exits 2.
func parseOptions(_ arguments: [String]) -> IssuerOptions {
    do {
        return try IssuerOptions.parse(arguments)
    } catch {
        guard IssuerOptions.exitCode(for: error) == .success else {
            fail("\(IssuerOptions.message(for: error)); see --help")
        }
        FileHandle.standardOutput.write(Data((IssuerOptions.fullMessage(for: error) + "\n").utf8))
        exit(0)
    }
}

/// Builds the configuration from the options (and the config file they name).
func makeConfiguration(_ options: IssuerOptions) -> LocalIssuer.Configuration {
    var configuration = LocalIssuer.Configuration()
    if let configPath = options.configPath {
        do {
            configuration = try LocalIssuer.Configuration.load(contentsOfFile: configPath)
        } catch {
            fail("\(error)")
        }
    }
    if let port = options.port { configuration.port = port }
    if let issuerPath = options.issuerPath { configuration.issuerPath = issuerPath }
    if options.fast { configuration.fastMode = true }
    if let cert = options.tlsCert, let key = options.tlsKey {
        configuration.tls = .init(certificateChainPEM: readText(cert), privateKeyPEM: readText(key))
    }
    return configuration
}

let configuration = makeConfiguration(parseOptions(Array(CommandLine.arguments.dropFirst())))

// Trapped before the start, so a signal during start-up stops the issuer as soon as it serves.
let (signals, signalContinuation) = AsyncStream.makeStream(of: Int32.self)
let trap = SignalTrap(label: "tokensmith-local-issuer.signals") { [signalContinuation] number in signalContinuation.yield(number) }

let issuer: LocalIssuer
do {
    issuer = try await LocalIssuer.start(configuration)
} catch {
    fail("\(error)")
}
FileHandle.standardOutput.write(Data((issuer.issuer + "\n").utf8))

// The first signal stops the issuer; the trap stays, so later ones do not cut the shutdown short.
for await _ in signals { break }

do {
    try await issuer.shutdown()
} catch {
    fail("shutdown failed: \(error)")
}
withExtendedLifetime(trap) { exit(0) }
