import CAvro
import Glibc

/// Entry points into Avro C that later parts of AvroCodec build on.
public enum AvroLibrary {
    /// Parses and validates an Avro schema with Avro C; returns Avro C's error text when invalid.
    public static func validate(schemaJSON: String) -> String? {
        var schema: avro_schema_t? = nil
        let status = schemaJSON.withCString { avro_schema_from_json_length($0, strlen($0), &schema) }
        if status != 0 { return String(cString: avro_strerror()) }
        avro_schema_decref(schema)
        return nil
    }
}
