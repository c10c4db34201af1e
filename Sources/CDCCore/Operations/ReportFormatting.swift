/// The two output shapes of the operations commands (`cdcctl slots`, `cdcctl check`): plain
/// aligned columns for people, one JSON object per line for scripts.
enum ReportFormatting {
    /// One JSON value of a report field.
    enum Value {
        case string(String)
        case int(Int64)
        case bool(Bool)
        case null

        /// `.string(s)` or `.null`.
        static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
        /// `.int(n)` or `.null`.
        static func optional(_ number: Int64?) -> Value { number.map(Value.int) ?? .null }
    }

    /// `{"k":v,…}` with the keys in the given order, and a newline.
    static func jsonLine(_ fields: [(String, Value)], into out: inout ByteWriter) {
        out.write(UInt8(ascii: "{"))
        for (i, (key, value)) in fields.enumerated() {
            if i > 0 { out.write(UInt8(ascii: ",")) }
            JSONText.writeString(key, into: &out)
            out.write(UInt8(ascii: ":"))
            switch value {
            case let .string(text): JSONText.writeString(text, into: &out)
            case let .int(number): out.write(decimal: number)
            case let .bool(flag): out.write(string: flag ? "true" : "false")
            case .null: out.write("null")
            }
        }
        out.write("}\n")
    }

    /// Rows under a header, each column padded to its widest cell and separated by two
    /// spaces; the last column is not padded, so no line ends in spaces.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in all {
            var line = ""
            for (column, cell) in row.enumerated() {
                if column == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[column] - cell.count + 2)
                }
            }
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
