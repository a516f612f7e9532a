import Foundation
import TestProcessSupport
import LocalIssuer
import Testing

/// HTTP/2 where the token endpoint offers it: a real nginx (TLS, `http2`)
/// in front of a fixed token answer, and many clients granted concurrently.
/// nginx logs each request's protocol and connection serial number.
@Suite("HTTP/2 token endpoint (built binary, real nginx)")
struct HTTP2EndToEndTests {
    static let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func freePort() throws -> Int {
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

    @Test("grants to an h2 endpoint multiplex over one connection: every request is HTTP/2.0 on the same nginx connection")
    func multiplexes() async throws {
        let nginx = try #require(Self.nginx, "nginx is needed (scripts/bootstrap installs nginx-light)")
        let harness = try RunHarness()
        let pki = try TestPKI()
        let prefix = harness.folder.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try harness.write(pki.server.certificatePEM, to: "nginx/server.pem")
        try harness.write(pki.server.privateKeyPEM, to: "nginx/server.key")
        try harness.write(pki.certificateAuthority.certificatePEM, to: "ca.pem")
        let (tlsPort, backendPort) = (try Self.freePort(), try Self.freePort())
        let path = prefix.path
        // The h2 server proxies to a plain one that answers: nginx then reads each request body, as a real server does.
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
                listen 127.0.0.1:\(tlsPort) ssl http2;
                ssl_certificate \(path)/server.pem;
                ssl_certificate_key \(path)/server.key;
                access_log \(path)/logs/access.log conn;
                location /token { proxy_pass http://127.0.0.1:\(backendPort); }
              }
              server {
                listen 127.0.0.1:\(backendPort);
                access_log off;
                location / {
                  default_type application/json;
                  return 200 '{"access_token":"h2-test-token","token_type":"Bearer","expires_in":3600}';
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
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // nginx is ready once it wrote its pid file.
        for _ in 0..<200 where !harness.exists("nginx/nginx.pid") { try await Task.sleep(for: .milliseconds(50)) }

        let count = 40
        var manifest = """
            version: 1
            defaults: {concurrency: 16}
            issuers:
              edge:
                token_endpoint: https://127.0.0.1:\(tlsPort)/token
                ca_file: ca.pem
            clients:

            """
        for index in 0..<count {
            manifest += "  - {name: c\(index), issuer: edge, client_id: c\(index), auth: {method: client_secret_post, secret: s}}\n"
        }
        manifest += "outputs:\n  - json: out/all.json\n"
        try harness.write(manifest, to: "m.yaml")
        let result = try await harness.run(["run", "m.yaml", "--no-state"])
        #expect(result.status == 0, "\(result.standardError)")
        let clients = try jsonObject(harness.read("out/all.json"))["clients"] as? [String: Any]
        #expect(clients?.count == count)
        let lines = (harness.read("nginx/logs/access.log") ?? "").split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.count == count)
        #expect(lines.allSatisfy { $0.count == 3 && $0[1] == "HTTP/2.0" && $0[2] == "POST" })
        #expect(Set(lines.map { $0.first ?? "" }).count == 1, "connections: \(Set(lines.map { $0.first ?? "" }))")
    }
}
