import XCTest
@testable import CDCCore

/// Holds `docs/types.md` to the converter: every documented example must render as documented,
/// in the table of default mappings and in the table of type modes.
final class TypeMappingDocTests: XCTestCase {
    /// The rows of each table of the document, by the first cell of its header row.
    private func documentTables() throws -> [String: [[String]]] {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        let text = try String(contentsOf: root.appendingPathComponent("docs/types.md"), encoding: .utf8)
        var tables: [String: [[String]]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { current = nil; continue }
            if line.hasPrefix("|---") { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
            if let table = current {
                tables[table, default: []].append(cells)
            } else {
                current = cells.first ?? ""
                tables[current!] = []
            }
        }
        return tables
    }

    private func renderJSON(_ example: String, _ type: ColumnType) throws -> String {
        var sink = JSONValueSink()
        var converter = TextValueConverter()
        var text = example
        try text.withUTF8 { try converter.convert(UnsafeRawBufferPointer($0), as: type, into: &sink) }
        return String(decoding: sink.out.bytes, as: UTF8.self)
    }

    /// The document's cell form of a string: backticked, with `|` escaped for markdown.
    private func cell(_ text: String) -> String { "`" + text.replacingOccurrences(of: "|", with: "\\|") + "`" }

    func testDocumentListsEveryMappingInOrderWithItsRenderedExample() throws {
        let rows = try documentTables()["PostgreSQL"] ?? []
        XCTAssertEqual(rows.count, TypeMapping.rows.count, "docs/types.md rows vs TypeMapping.rows")
        for (documented, mapping) in zip(rows, TypeMapping.rows) {
            let json = try renderJSON(mapping.example, mapping.type)
            let expected = [mapping.postgres, cell(mapping.example), cell(json), mapping.connect, mapping.semantic]
            XCTAssertEqual(documented, expected, "docs/types.md should read: | " + expected.joined(separator: " | ") + " |")
        }
    }

    func testDocumentListsEveryTypeModeWithItsRenderedExample() throws {
        let rows = try documentTables()["flag"] ?? []
        XCTAssertEqual(rows.count, TypeMapping.modeRows.count, "docs/types.md type mode rows vs TypeMapping.modeRows")
        for (documented, mode) in zip(rows, TypeMapping.modeRows) {
            let json = try renderJSON(mode.example, mode.type)
            let expected = [cell(mode.flag), mode.postgres, cell(mode.example), cell(json), mode.connect, mode.semantic]
            XCTAssertEqual(documented, expected, "docs/types.md should read: | " + expected.joined(separator: " | ") + " |")
        }
    }
}
