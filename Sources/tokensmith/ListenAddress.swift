/// A `HOST:PORT` to listen on: `127.0.0.1:9464`, `localhost:9464`,
/// `[::1]:9464`, `0.0.0.0:9464`; port 0 picks a free one.
struct ListenAddress: Equatable {
    /// The host or address, without brackets.
    var host: String
    /// The port, 0 to 65535.
    var port: Int

    /// Parses the text; nil when it is not `HOST:PORT`.
    init?(parsing text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty, !portPart.isEmpty, portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
            portPart.count <= 5, let port = Int(portPart), port <= 65535
        else { return nil }
        self.host = String(hostPart)
        self.port = port
    }
}
