import Foundation
import TestProcessSupport
import Testing

/// A real HTTP proxy for tests: Debian's tinyproxy in the foreground on a
/// free loopback port, with its own configuration file, its log read back to
/// see which tunnels it opened. `scripts/bootstrap` installs it.
final class TinyProxy {
    /// The tinyproxy binary, when the machine has one.
    static let binary: String? = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy", "/usr/local/bin/tinyproxy"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Whether tests that need it can run.
    static var isAvailable: Bool { binary != nil }

    /// The port it listens on (127.0.0.1).
    let port: Int
    private let process: SpawnedProcess
    private let logFile: URL

    /// Starts tinyproxy in `folder`; with `basicAuth`, every request must carry those credentials.
    init(folder: URL, basicAuth: (user: String, password: String)? = nil) async throws {
        let binary = try #require(Self.binary, "tinyproxy is not installed; run scripts/bootstrap")
        port = try Self.freePort()
        let configuration = folder.appendingPathComponent("tinyproxy-\(port).conf")
        logFile = folder.appendingPathComponent("tinyproxy-\(port).log")
        var text = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            LogLevel Connect
            MaxClients 100
            Allow 127.0.0.1

            """
        if let basicAuth { text += "BasicAuth \(basicAuth.user) \(basicAuth.password)\n" }
        try Data(text.utf8).write(to: configuration)
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-d", "-c", configuration.path]
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = .file(log)
        process.standardError = .file(log)
        process.standardInput = .null
        try process.run()
        try? log.close()
        // Ready once it accepts a connection.
        for _ in 0..<200 {
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        stop()
        Issue.record("tinyproxy did not start listening; its log:\n\(self.log())")
        throw CancellationError()
    }

    /// What it logged so far.
    func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The `CONNECT` requests it received for `127.0.0.1:port`.
    func tunnels(toPort targetPort: Int) -> Int {
        log().components(separatedBy: "\n").filter { $0.contains("CONNECT 127.0.0.1:\(targetPort) ") }.count
    }

    /// Stops it (SIGKILL to its own process id: tinyproxy ignores SIGTERM
    /// while a tunnel is open) and waits.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
