/// `cdcctl check`: everything that would make `cdcctl stream` fail, checked at once and
/// reported one line per check with its fix, instead of one failure per attempt.
public struct Preflight: Sendable {
    /// What to check against.
    public struct Options: Sendable {
        /// The PostgreSQL connection string; nil skips the database checks.
        public var conninfo: String?
        /// Tables the stream would capture (`-t`: names or patterns, as `stream` takes them).
        public var tables: [TablePattern]
        /// Tables taken out of those (`--exclude-table`).
        public var excludeTables: [TablePattern]
        /// The publication the stream would use; nil means `cdcctl` (stream's default) when
        /// tables are given, else no publication check.
        public var publication: String?
        /// Bootstrap brokers; nil skips the broker check.
        public var brokers: String?
        /// librdkafka properties for the broker check.
        public var kafkaProperties: [KafkaProperty]
        /// The schema registry URL; nil skips the registry check.
        public var registryURL: String?
        /// How long the broker and the registry may take to answer, in seconds.
        public var timeout: Double

        /// Creates options; everything but the connection is optional.
        public init(conninfo: String?, tables: [TablePattern] = [], excludeTables: [TablePattern] = [], publication: String? = nil,
                    brokers: String? = nil, kafkaProperties: [KafkaProperty] = [], registryURL: String? = nil, timeout: Double = 5) {
            self.conninfo = conninfo
            self.tables = tables
            self.excludeTables = excludeTables
            self.publication = publication
            self.brokers = brokers
            self.kafkaProperties = kafkaProperties
            self.registryURL = registryURL
            self.timeout = timeout
        }
    }

    /// One librdkafka `key=value` property.
    public struct KafkaProperty: Sendable {
        /// The property name, e.g. `security.protocol`.
        public var key: String
        /// Its value.
        public var value: String
        /// Creates a property.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The checks, in the order they ran.
    public var checks: [PreflightCheck]

    /// The problems among them.
    public var problems: [PreflightCheck] { checks.filter { $0.status == .problem } }

    /// Runs every check; a failure to check something (a lost connection) is itself a problem,
    /// so this never throws.
    public static func run(_ options: Options) -> Preflight {
        var checks: [PreflightCheck] = []
        if let conninfo = options.conninfo {
            checks += postgresChecks(options, conninfo: conninfo)
        } else {
            checks.append(.skipped("postgres", "no database given (--db or CDCCTL_PG_URL)"))
        }
        if let brokers = options.brokers {
            checks.append(BrokerProbe.check(brokers: brokers, properties: options.kafkaProperties.map { ($0.key, $0.value) },
                                            timeout: options.timeout))
        } else {
            checks.append(.skipped("broker", "no brokers given (-b or CDCCTL_KAFKA_BROKERS)"))
        }
        if let registry = options.registryURL {
            checks.append(RegistryProbe.check(url: registry, timeout: options.timeout))
        } else {
            checks.append(.skipped("registry", "no registry given (--registry or CDCCTL_REGISTRY_URL)"))
        }
        return Preflight(checks: checks)
    }

    private static func postgresChecks(_ options: Options, conninfo: String) -> [PreflightCheck] {
        let connection: PGConnection
        do {
            connection = try PGConnection(conninfo: conninfo)
        } catch {
            return [.problem("postgres", "\(error)", fix: "pass the right --db URL (or CDCCTL_PG_URL) and make sure the server accepts connections")]
        }
        var checks = [PreflightCheck.ok("postgres", "connected to \(connection.displayName) (PostgreSQL \(serverVersionText(connection.serverVersion)))")]
        let steps: [(String, () throws -> [PreflightCheck])] = [
            ("wal_level", { [try ServerRequirements.walLevel(connection)] }),
            ("replication_privilege", { [try ServerRequirements.replicationPrivilege(connection)] }),
            ("replication_slots", { [try ServerRequirements.slotHeadroom(connection)] }),
            ("wal_senders", { [try ServerRequirements.walSenderHeadroom(connection)] }),
            ("publication", { try PublicationChecks(connection: connection, options: options).run() }),
        ]
        for (name, step) in steps {
            do {
                checks += try step()
            } catch {
                checks.append(.problem(name, "\(error)", fix: "grant the connecting role read access to the catalog, or run check as a superuser"))
            }
        }
        return checks
    }

    private static func serverVersionText(_ version: Int) -> String {
        version >= 100000 ? "\(version / 10000).\(version % 10000)" : "\(version / 10000).\(version / 100 % 100)"
    }

    // MARK: - output

    /// One line per check: `ok`/`problem`/`skip`, the check's name, what was found and, for a
    /// problem, `fix: …`.
    public func text() -> String {
        let nameWidth = checks.map(\.name.count).max() ?? 0
        return checks.map { check in
            let status = check.status.rawValue.padding(to: 7)
            let name = check.name.padding(to: nameWidth)
            let fix = check.fix.map { "; fix: \($0)" } ?? ""
            return "\(status)  \(name)  \(check.message)\(fix)\n"
        }.joined()
    }

    /// One JSON object per check, one per line.
    public func jsonLines() -> ByteWriter {
        var out = ByteWriter(capacity: 256 * max(1, checks.count))
        for check in checks {
            ReportFormatting.jsonLine([("check", .string(check.name)), ("status", .string(check.status.rawValue)),
                                       ("message", .string(check.message)), ("fix", .optional(check.fix))], into: &out)
        }
        return out
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
