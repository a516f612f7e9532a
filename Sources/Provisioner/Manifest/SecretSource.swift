/// Where a client secret came from; used for warnings and for the cache fingerprint.
package enum SecretSource: Sendable, Hashable {
    /// Written literally in the manifest.
    case literal
    /// Taken from environment variables (`${VAR}` in the `secret` value).
    case environment
    /// Read from a file (`secret_file`), by absolute path.
    case file(String)
}
