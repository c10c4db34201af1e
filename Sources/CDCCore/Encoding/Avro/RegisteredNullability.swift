import Foundation

/// Which NOT NULL columns a value schema must keep optional because the subject's latest
/// version has them optional. `ALTER TABLE … ALTER COLUMN … SET NOT NULL` turns a field from
/// `["null", T]` into `T`, and a registry under BACKWARD (Confluent's default) refuses that with
/// 409, since the new schema could not read the NULLs written before: the stream would stop for
/// good at the first change after it. Keeping those fields optional costs readers nothing (the
/// column never holds NULL now) and is what the subject already promised them.
enum RegisteredNullability {
    /// The indices of `columns` that are NOT NULL but optional in the `Value` record of
    /// `latestSchema` (Avro JSON text: a Debezium Envelope, or a flat record of the row).
    static func columnsToWiden(_ columns: [Column], latestSchema: String) -> [Int] {
        guard let json = try? JSONSerialization.jsonObject(with: Data(latestSchema.utf8)),
              let fields = valueFields(in: json) else { return [] }
        var optional = Set<String>()
        for case let field as [String: Any] in fields {
            if let name = field["name"] as? String, let union = field["type"] as? [Any], union.contains(where: { ($0 as? String) == "null" }) {
                optional.insert(name)
            }
        }
        return columns.indices.filter { !columns[$0].nullable && optional.contains(AvroName.adjusted(columns[$0].name)) }
    }

    /// The fields of the first record named `Value` (its full name ends in `.Value`).
    private static func valueFields(in json: Any) -> [Any]? {
        if let object = json as? [String: Any] {
            if object["type"] as? String == "record", let name = object["name"] as? String,
               name == "Value" || name.hasSuffix(".Value"), let fields = object["fields"] as? [Any] {
                return fields
            }
            for value in object.values { if let found = valueFields(in: value) { return found } }
        } else if let array = json as? [Any] {
            for value in array { if let found = valueFields(in: value) { return found } }
        }
        return nil
    }
}
