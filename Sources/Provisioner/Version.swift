/// The version of tokensmith, shown by `tokensmith --version`.
public let tokensmithVersion = "0.1.0"
