/// A sink's per-table state (renderers, schemas, topic), found by the table's name and mutated
/// in place. A table whose `EventTable` instance changes keeps its state when the shape is the
/// same, and gets new state when it is not (ALTER TABLE).
struct TableStateCache<State> {
    /// The states; index them with what `index(of:make:)` returns.
    var states: [State] = []
    private var tables: [EventTable] = []
    private var indexByName: [TableName: Int] = [:]
    private var lastIndex = -1

    /// The index of `table`'s state, made with `make` when the table is new or has a new shape.
    mutating func index(of table: EventTable, make: (EventTable) throws -> State) rethrows -> Int {
        if let i = knownIndex(of: table) { return i }
        return store(try make(table), for: table)
    }

    /// The index of `table`'s state, or nil when the table is new or has a new shape (then
    /// `store` its state).
    mutating func knownIndex(of table: EventTable) -> Int? {
        // Consecutive events mostly come from one table: one pointer comparison.
        if lastIndex >= 0, tables[lastIndex] === table { return lastIndex }
        guard let i = indexByName[table.name] else { return nil }
        if tables[i] !== table {
            guard tables[i].hasSameShape(as: table) else { return nil }
            tables[i] = table
        }
        lastIndex = i
        return i
    }

    /// Keeps `state` as `table`'s (replacing the state of an older shape); returns its index.
    mutating func store(_ state: State, for table: EventTable) -> Int {
        if let i = indexByName[table.name] {
            states[i] = state
            tables[i] = table
            lastIndex = i
            return i
        }
        states.append(state)
        tables.append(table)
        lastIndex = states.count - 1
        indexByName[table.name] = lastIndex
        return lastIndex
    }
}
