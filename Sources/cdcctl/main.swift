import ArgumentParser
import CDCCore
import Glibc

// Errors are one line on stderr (`cdcctl: error: …`) and a non-zero exit, so scripts can
// rely on them; help and --version keep ArgumentParser's output.
do {
    var command = try CDCCtl.parseAsRoot()
    try command.run()
} catch {
    let code = CDCCtl.exitCode(for: error)
    if code == .success || error is ExitCode {
        CDCCtl.exit(withError: error)
    }
    let message = CommandSuggestion.unknownCommand(Array(CommandLine.arguments.dropFirst()), root: CDCCtl.self)
        ?? CDCCtl.errorMessage(for: error)
    let oneLine = message.split(whereSeparator: { $0 == "\n" }).joined(separator: " ")
    StandardError.write("cdcctl: error: \(oneLine)\n")
    exit(code.rawValue == 0 ? 1 : code.rawValue)
}
