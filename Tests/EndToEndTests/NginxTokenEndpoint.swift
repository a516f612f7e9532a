import Foundation
import LocalIssuer
import TestProcessSupport
import Testing

/// A real nginx on loopback answering token POSTs with a fixed token: a TLS
/// server (certificate from a fresh `TestPKI`, its CA written to `ca.pem` in
/// the harness folder) that proxies each request to a plain server block, so
/// nginx reads every request body as a real server does.
///
/// Its access log (`nginx/logs/access.log`) has one line per request:
/// nginx's connection serial number, the protocol and the method.
struct NginxTokenEndpoint: ~Copyable {
    static let executable = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The TLS port the token endpoint listens on.
    let port: Int
    private let server: SpawnedProcess
    private let harness: RunHarness

    /// Starts nginx; `listen` is what follows the address on the TLS
    /// `listen` line (`ssl http2`, or `ssl`), `directives` go in its server block.
    init(harness: RunHarness, listen: String, directives: String = "") async throws {
        let nginx = try #require(Self.executable, "nginx is needed (scripts/bootstrap installs nginx-light)")
        let pki = try TestPKI()
        let prefix = harness.folder.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try harness.write(pki.server.certificatePEM, to: "nginx/server.pem")
        try harness.write(pki.server.privateKeyPEM, to: "nginx/server.key")
        try harness.write(pki.certificateAuthority.certificatePEM, to: "ca.pem")
        let (tlsPort, backendPort) = (try Self.freePort(), try Self.freePort())
        let path = prefix.path
        try harness.write(
            """
            pid \(path)/nginx.pid;
            error_log \(path)/logs/error.log;
            worker_processes 1;
            events {}
            http {
              log_format conn '$connection $server_protocol $request_method';
              client_body_temp_path \(path)/body; proxy_temp_path \(path)/proxy; fastcgi_temp_path \(path)/fastcgi;
              uwsgi_temp_path \(path)/uwsgi; scgi_temp_path \(path)/scgi;
              server {
                listen 127.0.0.1:\(tlsPort) \(listen);
                ssl_certificate \(path)/server.pem;
                ssl_certificate_key \(path)/server.key;
                access_log \(path)/logs/access.log conn;
                \(directives)
                location /token { proxy_pass http://127.0.0.1:\(backendPort); }
              }
              server {
                listen 127.0.0.1:\(backendPort);
                access_log off;
                location / {
                  default_type application/json;
                  return 200 '{"access_token":"nginx-test-token","token_type":"Bearer","expires_in":3600}';
                }
              }
            }
            """, to: "nginx/nginx.conf")
        let server = SpawnedProcess()
        server.executableURL = URL(fileURLWithPath: nginx)
        server.arguments = ["-p", path, "-c", "\(path)/nginx.conf", "-e", "\(path)/logs/error.log", "-g", "daemon off;"]
        server.standardInput = .null
        server.standardOutput = .null
        server.standardError = .null
        try server.run()
        // nginx is ready once it wrote its pid file.
        for _ in 0..<200 where !harness.exists("nginx/nginx.pid") { try await Task.sleep(for: .milliseconds(50)) }
        self.port = tlsPort
        self.server = server
        self.harness = harness
    }

    deinit {
        server.terminate()
        server.waitUntilExit()
    }

    /// The access log: per request, its connection serial number, protocol and method.
    func requests() -> [(connection: String, protocolName: String, method: String)] {
        (harness.read("nginx/logs/access.log") ?? "").split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map(String.init)
            return (fields.first ?? "", fields.count > 1 ? fields[1] : "", fields.count > 2 ? fields[2] : "")
        }
    }

    /// Runs `manifest` (written as `m.yaml`, `--no-state`), checks that it
    /// succeeded and wrote a token for each of `count` clients, and returns
    /// nginx's log of the requests, which must be `count` POSTs.
    func run(_ manifest: String, clients count: Int, in harness: RunHarness) async throws -> [(
        connection: String, protocolName: String, method: String
    )] {
        try harness.write(manifest, to: "m.yaml")
        let result = try await harness.run(["run", "m.yaml", "--no-state"])
        #expect(result.status == 0, "\(result.standardError)")
        let clients = try jsonObject(harness.read("out/all.json"))["clients"] as? [String: Any]
        #expect(clients?.count == count)
        let requests = requests()
        #expect(requests.count == count)
        #expect(requests.allSatisfy { $0.method == "POST" })
        return requests
    }

    /// A manifest of `count` `client_secret_post` clients of this endpoint (trusting `ca.pem`), writing one JSON file.
    func manifest(clients count: Int, concurrency: Int) -> String {
        var manifest = """
            version: 1
            defaults: {concurrency: \(concurrency)}
            issuers:
              edge:
                token_endpoint: https://127.0.0.1:\(port)/token
                ca_file: ca.pem
            clients:

            """
        for index in 0..<count {
            manifest += "  - {name: c\(index), issuer: edge, client_id: c\(index), auth: {method: client_secret_post, secret: s}}\n"
        }
        return manifest + "outputs:\n  - json: out/all.json\n"
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
