/// Hard bounds on what the parser accepts, so hostile input fails fast.
public struct ParserLimits: Sendable, Hashable {
    /// Largest input accepted, in bytes.
    public var maxInputBytes: Int
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// Most nodes that aliases may add by expansion, summed over a stream.
    /// A "billion laughs" document exceeds it after a handful of anchors.
    public var maxAliasExpansion: Int

    /// Creates limits; the defaults suit hand-written manifests of tens of
    /// thousands of entries.
    public init(maxInputBytes: Int = 64 << 20, maxDepth: Int = 64, maxAliasExpansion: Int = 100_000) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }
}
