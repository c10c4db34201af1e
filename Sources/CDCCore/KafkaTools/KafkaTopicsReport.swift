/// What `cdcctl topics` prints: kcat's `-L` listing (brokers; topics with partitions, leaders,
/// replicas and in-sync replicas), plus each partition's low and high offsets.
public struct KafkaTopicsReport: Sendable {
    /// The metadata response.
    public var metadata: KafkaClusterMetadata
    /// The controller's broker id (-1 when unknown).
    public var controllerID: Int32
    /// The topic asked for, or nil for all topics.
    public var query: String?
    /// Each partition's watermarks, or why they could not be read.
    public var watermarks: [String: [Int32: Result<KafkaWatermarks, KafkaError>]]

    /// Asks the cluster; a consumer is used because it never creates the topics it asks about.
    public static func fetch(consumer: RDKafkaConsumer, topic: String?, timeout: Int32) throws -> KafkaTopicsReport {
        let metadata = try consumer.metadata(topic: topic, timeout: timeout)
        var watermarks: [String: [Int32: Result<KafkaWatermarks, KafkaError>]] = [:]
        for t in metadata.topics where t.error == nil {
            for p in t.partitions {
                watermarks[t.name, default: [:]][p.id] = Result {
                    try consumer.watermarks(topic: t.name, partition: p.id, timeout: timeout)
                }.mapError { $0 as? KafkaError ?? KafkaError("\($0)") }
            }
        }
        return KafkaTopicsReport(metadata: metadata, controllerID: consumer.controllerID(timeout: timeout),
                                 query: topic, watermarks: watermarks)
    }

    /// The first topic error when a single topic was asked for (e.g. it does not exist).
    public var queryError: KafkaError? {
        guard let query else { return nil }
        guard let topic = metadata.topic(query) else { return KafkaError("topic \(query) does not exist") }
        guard let error = topic.error else { return nil }
        return KafkaError("topic \(query)", detail: error.description, code: error.code)
    }

    /// kcat's `-L` text, with `, low: L, high: H` after each partition.
    public func text() -> String {
        var lines: [String] = []
        lines.append("Metadata for \(query ?? "all topics") (from broker \(metadata.originatingBrokerID): \(metadata.originatingBrokerName)):")
        lines.append(" \(metadata.brokers.count) brokers:")
        for b in metadata.brokers {
            lines.append("  broker \(b.id) at \(b.host):\(b.port)\(b.id == controllerID ? " (controller)" : "")")
        }
        lines.append(" \(metadata.topics.count) topics:")
        for t in metadata.topics {
            var line = "  topic \"\(t.name)\" with \(t.partitions.count) partitions:"
            if let error = t.error { line += " \(error.description)" }
            lines.append(line)
            for p in t.partitions {
                var line = "    partition \(p.id), leader \(p.leader), replicas: \(list(p.replicas)), isrs: \(list(p.isrs))"
                if let error = p.error { line += ", \(error.description)" }
                switch watermarks[t.name]?[p.id] {
                case .success(let marks)?: line += ", low: \(marks.low), high: \(marks.high)"
                case .failure(let error)?: line += ", offsets: \(error.message)"
                case nil: break
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func list(_ ids: [Int32]) -> String { ids.map(String.init).joined(separator: ",") }

    /// kcat's `-L -J` JSON (one line), with "low" and "high" (or "offsets_error") per partition.
    public func json() -> [UInt8] {
        var out = ByteWriter(capacity: 4096)
        out.write("{")
        KafkaJSON.writeKey("originating_broker", into: &out)
        out.write("{"); KafkaJSON.writeKey("id", into: &out); out.write(decimal: Int64(metadata.originatingBrokerID))
        out.write(","); KafkaJSON.writeKey("name", into: &out); KafkaJSON.writeString(metadata.originatingBrokerName, into: &out)
        out.write("},")
        KafkaJSON.writeKey("query", into: &out)
        out.write("{"); KafkaJSON.writeKey("topic", into: &out); KafkaJSON.writeString(query ?? "*", into: &out); out.write("},")
        KafkaJSON.writeKey("controllerid", into: &out); out.write(decimal: Int64(controllerID))
        out.write(","); KafkaJSON.writeKey("brokers", into: &out); out.write("[")
        for (i, b) in metadata.brokers.enumerated() {
            if i > 0 { out.write(",") }
            out.write("{"); KafkaJSON.writeKey("id", into: &out); out.write(decimal: Int64(b.id))
            out.write(","); KafkaJSON.writeKey("name", into: &out); KafkaJSON.writeString("\(b.host):\(b.port)", into: &out)
            out.write("}")
        }
        out.write("],"); KafkaJSON.writeKey("topics", into: &out); out.write("[")
        for (i, t) in metadata.topics.enumerated() {
            if i > 0 { out.write(",") }
            out.write("{"); KafkaJSON.writeKey("topic", into: &out); KafkaJSON.writeString(t.name, into: &out)
            if let error = t.error { out.write(","); KafkaJSON.writeKey("error", into: &out); KafkaJSON.writeString(error.description, into: &out) }
            out.write(","); KafkaJSON.writeKey("partitions", into: &out); out.write("[")
            for (j, p) in t.partitions.enumerated() {
                if j > 0 { out.write(",") }
                out.write("{"); KafkaJSON.writeKey("partition", into: &out); out.write(decimal: Int64(p.id))
                if let error = p.error { out.write(","); KafkaJSON.writeKey("error", into: &out); KafkaJSON.writeString(error.description, into: &out) }
                out.write(","); KafkaJSON.writeKey("leader", into: &out); out.write(decimal: Int64(p.leader))
                out.write(","); KafkaJSON.writeKey("replicas", into: &out); writeIDs(p.replicas, into: &out)
                out.write(","); KafkaJSON.writeKey("isrs", into: &out); writeIDs(p.isrs, into: &out)
                switch watermarks[t.name]?[p.id] {
                case .success(let marks)?:
                    out.write(","); KafkaJSON.writeKey("low", into: &out); out.write(decimal: marks.low)
                    out.write(","); KafkaJSON.writeKey("high", into: &out); out.write(decimal: marks.high)
                case .failure(let error)?:
                    out.write(","); KafkaJSON.writeKey("offsets_error", into: &out); KafkaJSON.writeString(error.message, into: &out)
                case nil: break
                }
                out.write("}")
            }
            out.write("]}")
        }
        out.write("]}\n")
        return out.bytes
    }

    private func writeIDs(_ ids: [Int32], into out: inout ByteWriter) {
        out.write("[")
        for (i, id) in ids.enumerated() {
            if i > 0 { out.write(",") }
            out.write("{"); KafkaJSON.writeKey("id", into: &out); out.write(decimal: Int64(id)); out.write("}")
        }
        out.write("]")
    }
}
