import Foundation
import XCTest

/// Holds `ARCHITECTURE.md` to the tree: every source file it names exists, and every folder of
/// `Sources/CDCCore` is described, so the diagram cannot drift from the code unnoticed.
final class ArchitectureDocTests: XCTestCase {
    private var root: URL {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        return root
    }

    private func document() throws -> String {
        try String(contentsOf: root.appendingPathComponent("ARCHITECTURE.md"), encoding: .utf8)
    }

    /// Every `*.swift` under `Sources`, by path relative to it.
    private func sourceFiles() throws -> Set<String> {
        let sources = root.appendingPathComponent("Sources")
        let walker = FileManager.default.enumerator(atPath: sources.path)
        var files = Set<String>()
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(".swift") { files.insert(path) }
        }
        return files
    }

    func testEveryFileItNamesExists() throws {
        let text = try document()
        let files = try sourceFiles()
        let basenames = Set(files.map { ($0 as NSString).lastPathComponent })
        // A name with a folder (`CDCCore/Capture/ChangeStreamer.swift`) must be that path; a
        // bare name (`TableSchema.swift`, after a comma) must be some file's name.
        let pattern = try NSRegularExpression(pattern: #"[A-Za-z0-9_+/]*[A-Za-z0-9_+]+\.swift"#)
        var named = 0
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let name = String(text[Range(match.range, in: text)!])
            if name.hasPrefix("Tests/") { continue }
            named += 1
            if name.contains("/") {
                XCTAssertTrue(files.contains(name), "ARCHITECTURE.md names Sources/\(name), which does not exist")
            } else {
                XCTAssertTrue(basenames.contains(name), "ARCHITECTURE.md names \(name), which no source file is called")
            }
        }
        XCTAssertGreaterThan(named, 40, "the diagram names the files of the data path")
    }

    func testEveryCDCCoreFolderIsDescribed() throws {
        let text = try document()
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources/CDCCore").path)
        for folder in folders where !folder.hasPrefix(".") {
            XCTAssertTrue(text.contains("`CDCCore/\(folder)`"), "ARCHITECTURE.md does not describe Sources/CDCCore/\(folder)")
        }
    }
}
