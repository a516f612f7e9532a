/// Which proxy an issuer's requests use.
public enum ProxySetting: Sendable, Hashable {
    /// As the environment says (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`).
    case environment
    /// Direct, whatever the environment says (`proxy: none`).
    case direct
    /// Always this proxy, `NO_PROXY` ignored (`proxy: http://…`).
    case server(ProxyServer)
}
