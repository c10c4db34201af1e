import ArgumentParser
import CDCCore

/// The PostgreSQL connection flags shared by every command that reads a database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PostgreSQL connection URL or key=value string (default: $CDCCTL_PG_URL).", valueName: "url"))
    var db: String?

    /// The connection string to use.
    func conninfo() throws -> String {
        guard let url = db ?? Environment.postgresURL else {
            throw ValidationError("no database given: pass --db URL or set CDCCTL_PG_URL")
        }
        return url
    }
}
