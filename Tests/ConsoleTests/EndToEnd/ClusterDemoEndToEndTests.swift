import Foundation
import TmuxDriver
import XCTest

/// `rotation demo --cluster`, the real binary in tmux: it starts its private Postgres, Redis Cluster (3 masters, a
/// replica each) and worker, the console shows pending rows and the cache pane's figures, `q` quits, the demo exits
/// 0, and none of the processes it started is left running.
final class ClusterDemoEndToEndTests: XCTestCase {
    private var session: TmuxSession?

    override func tearDown() {
        session?.kill()
        session = nil
    }

    func testTheClusterDemoShowsPendingRowsAndTheCachePaneThenQuitsCleanly() throws {
        let rotation = try BuiltProducts.rotation.path
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-demo-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        // A small demo (fewer releases to seed and warm), its exit status printed once the console is gone.
        let script = #""$0" demo --cluster --stores 2 --releases 40 --queued 20; echo "demo exited with status $?""#
        let session = try TmuxSession(
            command: ["sh", "-c", script, rotation],
            environment: ["XDG_CONFIG_HOME": home.path, "XDG_DATA_HOME": home.path, "ROTATION_REVIEWER": "demo-curator"],
            columns: 140, rows: 40)
        self.session = session

        // Pending rows in the review screen, and the cache pane with figures from the cluster.
        try session.waitFor("pending rows", timeout: 180) { $0.contains(" pending") }
        try session.waitFor("the cache pane's key count", timeout: 60) { screen in
            screen.range(of: #"keys\s+[0-9]"#, options: .regularExpression) != nil
        }
        try session.waitFor(text: "cluster of 3 masters", timeout: 60)

        // What the demo started: a Postgres, a Redis Cluster of six nodes (plus the plain Redis every demo starts),
        // a worker, and their watchdogs.
        let demo = try XCTUnwrap(ProcessTable.current().first { process in
            process.arguments.first == rotation && process.arguments.dropFirst().first == "demo"
        }, "the demo's process")
        let started = ProcessTable.current().descendants(of: demo.pid)
        // redis-server retitles itself "redis-server 127.0.0.1:PORT [cluster]" when cluster-enabled.
        let clusterNodes = started.filter {
            let commandLine = $0.arguments.joined(separator: " ")
            return commandLine.contains("redis-server") && commandLine.contains("[cluster]")
        }
        XCTAssertEqual(clusterNodes.count, 6, "three masters and a replica each: \(started.map(\.arguments))")
        XCTAssertTrue(started.contains { $0.arguments.first?.hasSuffix("postgres") == true }, "\(started.map(\.arguments))")
        XCTAssertTrue(started.contains { $0.arguments.first == rotation && $0.arguments.contains("worker") }, "the demo's worker")

        try session.send("q")
        try session.waitFor(text: "demo exited with status 0", timeout: 60)

        // Everything it started is gone (a pid still alive with the same command line would be a leftover).
        let leftovers = try waitForExit(of: started)
        XCTAssertEqual(leftovers.map(\.arguments), [], "processes the demo left running")
        let clusterDirectories = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix("rotation-cluster-\(demo.pid)-") || $0.hasPrefix("rotation-servers-\(demo.pid)-") }
        XCTAssertEqual(clusterDirectories, [], "the demo's private directories are removed")
    }

    /// The processes of `started` still running after up to 30 s (servers stop within seconds of the demo's exit).
    private func waitForExit(of started: [ProcessTable.Entry]) throws -> [ProcessTable.Entry] {
        let deadline = Date().addingTimeInterval(30)
        var alive = started
        while Date() < deadline {
            let now = ProcessTable.current()
            alive = started.filter { old in now.entries.contains { $0.pid == old.pid && $0.arguments == old.arguments } }
            if alive.isEmpty { return [] }
            usleep(100_000)
        }
        return alive
    }
}

/// The machine's processes read from /proc: pid, parent and command line (zombies, with an empty command line,
/// are left out: they run nothing).
struct ProcessTable {
    struct Entry {
        var pid: Int32
        var parent: Int32
        var arguments: [String]
    }

    var entries: [Entry]

    static func current() -> ProcessTable {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let entries: [Entry] = names.compactMap { name in
            guard let pid = Int32(name),
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let commandEnd = stat.range(of: ")", options: .backwards),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"), !cmdline.isEmpty
            else { return nil }
            // After "pid (comm)": state, then the parent's pid.
            let fields = stat[commandEnd.upperBound...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]) else { return nil }
            let arguments = cmdline.split(separator: 0, omittingEmptySubsequences: false).dropLast()
                .map { String(decoding: $0, as: UTF8.self) }
            return Entry(pid: pid, parent: parent, arguments: Array(arguments))
        }
        return ProcessTable(entries: entries)
    }

    func first(where predicate: (Entry) -> Bool) -> Entry? { entries.first(where: predicate) }

    /// Every process below `pid` (children, their children, …).
    func descendants(of pid: Int32) -> [Entry] {
        var found: [Entry] = []
        var parents: Set<Int32> = [pid]
        while true {
            let known = Set(found.map(\.pid))
            let next = entries.filter { parents.contains($0.parent) && !known.contains($0.pid) }
            if next.isEmpty { return found }
            found += next
            parents = Set(next.map(\.pid))
        }
    }
}
