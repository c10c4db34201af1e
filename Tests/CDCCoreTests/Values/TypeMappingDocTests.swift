import XCTest
@testable import CDCCore

/// Holds `docs/types.md` to the converter: every documented example must render as documented.
final class TypeMappingDocTests: XCTestCase {
    private func documentRows() throws -> [[String]] {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        let text = try String(contentsOf: root.appendingPathComponent("docs/types.md"), encoding: .utf8)
        return text.split(separator: "\n")
            .filter { $0.hasPrefix("| ") && !$0.hasPrefix("| PostgreSQL") }
            .map { line in line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) } }
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
        let rows = try documentRows()
        XCTAssertEqual(rows.count, TypeMapping.rows.count, "docs/types.md rows vs TypeMapping.rows")
        for (documented, mapping) in zip(rows, TypeMapping.rows) {
            let json = try renderJSON(mapping.example, mapping.type)
            let expected = [mapping.postgres, cell(mapping.example), cell(json), mapping.connect, mapping.semantic]
            XCTAssertEqual(documented, expected, "docs/types.md should read: | " + expected.joined(separator: " | ") + " |")
        }
    }
}
