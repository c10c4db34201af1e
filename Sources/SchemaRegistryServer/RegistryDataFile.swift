import Foundation
import Glibc

/// A failure to open or use the registry's data directory, worded for the person running it.
public struct RegistryStorageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The registry's one data file, `<dir>/registry.json`, and the lock that keeps a second
/// registry away from the same directory.
///
/// Every change rewrites the whole file atomically: the new content goes to a temp file in the
/// same directory, is fsynced, renamed over `registry.json`, and the directory is fsynced. A crash
/// at any point leaves either the old or the new file; a torn temp file is never read (and is
/// removed at the next start).
///
/// Owned by `RegistryContents`, so only ever used under `RegistryStore`'s mutex.
final class RegistryDataFile {
    static let fileName = "registry.json"
    static let tempPrefix = ".registry.json.tmp-"
    static let lockName = "registry.lock"

    let directory: String
    var path: String { directory + "/" + Self.fileName }
    private var lockFD: Int32 = -1
    private var tempCounter = 0

    /// Creates the directory when missing, takes its lock, checks it's writable and removes
    /// stale temp files.
    init(directory: String) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RegistryStorageError("data dir \(directory) is not a directory") }
        } else {
            try Self.makeDirectories(directory)
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw RegistryStorageError("data dir \(directory) is not writable: \(String(cString: strerror(errno)))")
        }
        let lockPath = directory + "/" + Self.lockName
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RegistryStorageError("data dir \(directory) is not writable: \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw RegistryStorageError("data dir \(directory) is in use by another registry (lock \(lockPath))")
        }
        lockFD = fd
        if let names = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for name in names where name.hasPrefix(Self.tempPrefix) {
                unlink(directory + "/" + name)
            }
        }
    }

    deinit { unlock() }

    /// Releases the directory lock (idempotent); the file can no longer be written.
    func unlock() {
        if lockFD >= 0 {
            close(lockFD) // drops the flock
            lockFD = -1
        }
    }

    /// The file's content, or nil when there is no file yet.
    func read() throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RegistryStorageError("cannot read \(path): \(Self.reason(error))")
        }
    }

    /// Replaces the file's content atomically and durably.
    func write(_ data: Data) throws {
        guard lockFD >= 0 else { throw RegistryStorageError("the registry store is closed") }
        tempCounter += 1
        let temp = "\(directory)/\(Self.tempPrefix)\(getpid())-\(tempCounter)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RegistryStorageError("cannot create \(temp): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw RegistryStorageError("cannot write \(temp): \(String(cString: strerror(errno)))")
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw RegistryStorageError("cannot fsync \(temp): \(String(cString: strerror(errno)))") }
        }
        guard rename(temp, path) == 0 else {
            throw RegistryStorageError("cannot rename \(temp) to \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            defer { close(dirFD) }
            guard fsync(dirFD) == 0 else { throw RegistryStorageError("cannot fsync \(directory): \(String(cString: strerror(errno)))") }
        }
    }

    /// `mkdir -p`, with the failing component's errno in the message.
    private static func makeDirectories(_ directory: String) throws {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw RegistryStorageError("cannot create data dir \(directory): \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
