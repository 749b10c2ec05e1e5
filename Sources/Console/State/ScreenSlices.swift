/// Each screen's own part of the console state, stored by screen unit and read through that unit's type
/// (`state[slice: ReviewScreen.self]`), so the shared state needs no property per screen. A value like the rest of
/// `ConsoleState`: copies are independent, and two are equal when every slice is.
public struct ScreenSlices: Equatable, Sendable {
    private var slices: [ObjectIdentifier: any Equatable & Sendable] = [:]

    /// The initial slice of each of `units`.
    init(_ units: [any ScreenUnit.Type]) {
        for unit in units { insertInitialSlice(of: unit) }
    }

    private mutating func insertInitialSlice<Unit: ScreenUnit>(of unit: Unit.Type) {
        slices[ObjectIdentifier(unit)] = unit.initialSlice
    }

    /// The slice of `unit`; its initial slice until something changed it.
    subscript<Unit: ScreenUnit>(unit: Unit.Type) -> Unit.Slice {
        get {
            slices[ObjectIdentifier(unit)] as? Unit.Slice ?? unit.initialSlice
        }
        _modify {
            // Taken out while it changes, so the copy being changed is the only one (no copy-on-write of its lists).
            let key = ObjectIdentifier(unit)
            var slice = slices.removeValue(forKey: key) as? Unit.Slice ?? unit.initialSlice
            defer { slices[key] = slice }
            yield &slice
        }
    }

    public static func == (left: ScreenSlices, right: ScreenSlices) -> Bool {
        guard left.slices.count == right.slices.count else { return false }
        for (key, value) in left.slices {
            guard let other = right.slices[key], equal(value, other) else { return false }
        }
        return true
    }

    private static func equal<Value: Equatable>(_ value: Value, _ other: any Equatable & Sendable) -> Bool {
        value == other as? Value
    }
}

extension ConsoleState {
    /// The slice of the screen `unit`; screens name theirs (`state.review` is `state[slice: ReviewScreen.self]`).
    subscript<Unit: ScreenUnit>(slice unit: Unit.Type) -> Unit.Slice {
        get { slices[unit] }
        _modify { yield &slices[unit] }
    }
}
