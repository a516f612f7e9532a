extension String {
    /// The UTF-8 length and first byte in one integer. Equal strings have
    /// equal tags, so comparing tags first settles nearly every mismatch of
    /// short keys without a string comparison (mapping keys of a manifest,
    /// members of the state file).
    package var lengthAndFirstByte: Int {
        let utf8 = self.utf8
        let count = utf8.count
        // Subscripting the start index: `first` went through the generic Collection path.
        return count == 0 ? 0 : count << 8 | Int(utf8[utf8.startIndex])
    }
}
