/// The version of tokensmith, shown by `tokensmith --version`.
package let tokensmithVersion = "0.1.0"
