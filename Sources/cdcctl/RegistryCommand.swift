import ArgumentParser
import CDCCore
import SchemaRegistryServer
import Glibc

/// `cdcctl registry`: an embedded, Confluent-compatible schema registry.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "A local, Confluent-compatible Avro schema registry.",
        subcommands: [RegistryServeCommand.self]
    )
}

/// `cdcctl registry serve --listen HOST:PORT --data-dir DIR`.
struct RegistryServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the schema registry REST API until SIGINT or SIGTERM.",
        discussion: """
            Speaks Confluent's REST API (subjects, versions, schemas by id, config, compatibility \
            checks with BACKWARD, FORWARD, FULL, their _TRANSITIVE forms and NONE) for Avro schemas. \
            Everything is kept in DIR/registry.json, rewritten atomically on every change, so a \
            restart keeps every id and version. Prints the URL it serves on to stderr once it \
            listens.
            """
    )

    @Option(help: ArgumentHelp("The address to listen on (port 0: any free port).", valueName: "host:port"))
    var listen: String = "127.0.0.1:18081"

    @Option(help: ArgumentHelp("The directory holding registry.json (created when missing).", valueName: "dir"))
    var dataDir: String

    @Flag(name: [.short, .long], help: "Log one line per request to stderr.")
    var verbose = false

    func run() throws {
        let dataDir = dataDir
        var log: (@Sendable (String) -> Void)? = nil
        if verbose { log = { line in printToStderr(line) } }
        let stop = SignalTrap.stopToken()
        try RegistryService.serve(
            listen: listen, dataDirectory: dataDir, stopRequested: { stop.isRaised },
            onListening: { url in printToStderr("registry listening on \(url) (data \(dataDir))") },
            log: log)
    }
}

private func printToStderr(_ line: String) {
    StandardError.notice(line)
}
