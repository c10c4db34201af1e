import ArgumentParser

/// "did you mean": a mistyped subcommand (`cdcctl strem`) gets the nearest real one named, where
/// ArgumentParser alone only says "Unexpected argument".
enum CommandSuggestion {
    /// The error text for `arguments` (without the program name) when their first word is not a
    /// subcommand of `root` (and not an option): nil when it is one.
    static func unknownCommand(_ arguments: [String], root: any ParsableCommand.Type) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-") else { return nil }
        let names = root.configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(word) else { return nil }
        let nearest = names.map { ($0, distance($0, word)) }.min { $0.1 < $1.1 }
        if let (name, d) = nearest, d <= max(1, word.count / 3) {
            return "unknown command '\(word)': did you mean '\(name)'? (see cdcctl --help)"
        }
        return "unknown command '\(word)' (see cdcctl --help)"
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
