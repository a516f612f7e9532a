/// The shared, immutable storage of a value type whose copies should cost one
/// reference (``IssuedToken``, ``ClientResult``).
///
/// Setting a field of the owning struct puts a changed copy in a new box, so a
/// box is never written after it is made: reads need no exclusivity check and
/// the box is `Sendable` as it stands.
final class CopyOnWriteBox<Fields: Sendable>: Sendable {
    let fields: Fields

    init(_ fields: Fields) {
        self.fields = fields
    }

    /// A box holding `fields` after `change`.
    func changed(_ change: (inout Fields) -> Void) -> CopyOnWriteBox {
        var copy = fields
        change(&copy)
        return CopyOnWriteBox(copy)
    }
}

extension CopyOnWriteBox: Equatable where Fields: Equatable {
    /// Equal fields, whether or not the two boxes are the same one: a struct
    /// holding only a box gets value equality by synthesis.
    static func == (left: CopyOnWriteBox, right: CopyOnWriteBox) -> Bool {
        left === right || left.fields == right.fields
    }
}

extension CopyOnWriteBox: Hashable where Fields: Hashable {
    func hash(into hasher: inout Hasher) {
        fields.hash(into: &hasher)
    }
}
