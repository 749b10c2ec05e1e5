import Foundation
import Postgres
import Rotation

/// `rotation import dump` on a synthetic monthly dump (the fixture excerpt's releases repeated under new ids,
/// gzip-compressed), run as the real binary so its memory high-water mark is its own (`wait4`'s `ru_maxrss`):
/// releases/s and MB/s against the floor of only decompressing the same file (`zcat FILE > /dev/null`) in the same
/// run, for `--all` (every release converted, checked and stored) and for the default (1 % of the ids listed by a
/// store: the rest is parsed and passed over), and the high-water mark at two file sizes (constant memory).
func runDumpBenchmarks(postgresURL: String, releases count: Int = 40_000) throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("rotation")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        print("dump benchmarks: skipped, build the rotation binary first (swift build -c release --product rotation)")
        return
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-bench-dump-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/discogs/dumps/data-discogs_releases.xml")
    let samples = SyntheticDump.releases(in: try String(contentsOf: fixture, encoding: .utf8))
    func makeDump(_ releases: Int, _ name: String) throws -> (gz: URL, xmlBytes: Int64) {
        let xml = directory.appendingPathComponent(name)
        try SyntheticDump.write(samples, count: releases, firstID: 10_000_000, to: xml)
        let size = try FileManager.default.attributesOfItem(atPath: xml.path)[.size] as? Int64 ?? 0
        guard try spawn("/bin/sh", ["-c", "gzip -6 '\(xml.path)'"], environment: [:]).status == 0 else {
            throw DumpBenchmarkError(description: "gzip failed")
        }
        return (URL(fileURLWithPath: xml.path + ".gz"), size)
    }
    let (file, xmlBytes) = try makeDump(count, "discogs_bench_releases.xml")
    let (smallFile, _) = try makeDump(count / 4, "discogs_bench_small_releases.xml")
    let gzBytes = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64 ?? 0
    print(String(format: "dump benchmarks: %d releases, %.1f MB gzip (%.1f MB of XML; repeated samples compress far better than a real dump)",
                 count, Double(gzBytes) / 1e6, Double(xmlBytes) / 1e6))

    let admin = try PostgresConnection(url: postgresURL)
    defer { admin.close() }
    func freshDatabase(_ suffix: String) throws -> String {
        let name = "rotation_bench_dump_\(suffix)_\(getpid())"
        try admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(name)) WITH (FORCE)")
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))")
        guard var components = URLComponents(string: postgresURL) else { throw DumpBenchmarkError(description: "DATABASE_URL must be a URL") }
        components.path = "/" + name
        let url = components.string!
        let db = try PostgresConnection(url: url)
        defer { db.close() }
        try MigrationRunner(connection: db).apply()
        return url
    }
    func dropDatabase(_ url: String) {
        guard let name = URLComponents(string: url)?.path.dropFirst() else { return }
        _ = try? admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(String(name))) WITH (FORCE)")
    }

    func zcatFloor(_ gz: URL) throws -> Double {
        try spawn("/bin/sh", ["-c", "zcat '\(gz.path)' > /dev/null"], environment: [:]).seconds
    }
    func importDump(_ gz: URL, all: Bool, database: String) throws -> Spawned {
        let run = try spawn(binary.path, ["import", "dump"] + (all ? ["--all"] : []) + [gz.path],
                            environment: ["DATABASE_URL": database])
        guard run.status == 0 else { throw DumpBenchmarkError(description: "rotation import dump exited \(run.status)") }
        return run
    }
    let megabytes = Double(gzBytes) / 1e6, xmlMegabytes = Double(xmlBytes) / 1e6
    func report(_ label: String, _ run: Spawned, floors: [Double]) {
        let floor = median(floors)
        print(String(format: "  %@: %.2f s = %.0f releases/s, %.1f MB/s gzip (%.1f MB/s XML); zcat floor %.2f s = %.2fx; max RSS %.1f MB",
                     label, run.seconds, Double(count) / run.seconds, megabytes / run.seconds, xmlMegabytes / run.seconds,
                     floor, ratio(run.seconds, to: floor), run.maxResidentMegabytes))
        IssueFigures.record("dump \(label), \(count.formatted()) releases (\(String(format: "%.0f", xmlMegabytes)) MB of XML) vs `zcat` of the file",
                            measured: String(format: "%.2f s: %.0f releases/s, %.1f MB/s of XML", run.seconds,
                                             Double(count) / run.seconds, xmlMegabytes / run.seconds),
                            floor: String(format: "%.2f s", floor), ratio: ratioText(ratio(run.seconds, to: floor)), goal: "")
    }

    // --all: every release converted, checked (`ReleaseBody`) and stored.
    let allDatabase = try freshDatabase("all")
    defer { dropDatabase(allDatabase) }
    var floors = [try zcatFloor(file)]
    let all = try importDump(file, all: true, database: allDatabase)
    floors.append(try zcatFloor(file))
    report("import --all", all, floors: floors)

    // Default: 1 % of the releases listed by a store; the rest passed over unbuilt.
    let listedDatabase = try freshDatabase("listed")
    defer { dropDatabase(listedDatabase) }
    let listed = try PostgresConnection(url: listedDatabase)
    try listed.query("""
        INSERT INTO releases (discogs_id, store_username, title, artist)
        SELECT id, 'bench-store', 'T', 'A' FROM generate_series(10000000::bigint, \(10_000_000 + count - 1), 100) id
        """)
    listed.close()
    floors = [try zcatFloor(file)]
    let filtered = try importDump(file, all: false, database: listedDatabase)
    floors.append(try zcatFloor(file))
    report("import (1 % listed)", filtered, floors: floors)

    // Constant memory: the same import on a file a quarter the size.
    let smallDatabase = try freshDatabase("small")
    defer { dropDatabase(smallDatabase) }
    let small = try importDump(smallFile, all: true, database: smallDatabase)
    print(String(format: "  max RSS of import --all: %.1f MB at %d releases, %.1f MB at %d releases (%.2fx for 4x the file)",
                 small.maxResidentMegabytes, count / 4, all.maxResidentMegabytes, count,
                 all.maxResidentMegabytes / small.maxResidentMegabytes))
    IssueFigures.record("dump import --all: memory high-water mark, \(count.formatted()) vs \((count / 4).formatted()) releases",
                        measured: String(format: "%.1f MB", all.maxResidentMegabytes)
                            + (all.peakIsExact ? "" : " (upper bound: GNU time missing)"),
                        floor: String(format: "%.1f MB", small.maxResidentMegabytes),
                        ratio: ratioText(all.maxResidentMegabytes / small.maxResidentMegabytes) + " for 4x the file",
                        goal: "constant memory")
}

struct DumpBenchmarkError: Error, CustomStringConvertible {
    var description: String
}

/// A finished child process: its exit status, wall time and memory high-water mark.
struct Spawned {
    var status: Int32
    var seconds: Double
    var maxResidentMegabytes: Double
    /// False when GNU time was missing: the figure is then an upper bound that includes the benchmark's own memory.
    var peakIsExact: Bool
}

/// Measures a child's memory high-water mark. `wait4`'s `ru_maxrss` cannot: a child started by `posix_spawn` (or
/// fork) and exec counts the spawning process's resident memory as its own peak (Linux keeps the larger of the old
/// and the new image's high-water marks across exec), so a child smaller than this benchmark would read as large as
/// it. GNU time (Debian's `time` package) is a small process in between whose own child's figure is exact.
private let gnuTime = "/usr/bin/time"

/// Runs `path arguments…` to its end with `environment` added to ours (output discarded): wall time from `wait4`,
/// and the child's own memory high-water mark through GNU time when it is installed (else `ru_maxrss`, which is
/// then at least the benchmark's own resident memory: `Spawned.peakIsExact` says which).
func spawn(_ path: String, _ arguments: [String], environment: [String: String]) throws -> Spawned {
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    let peakFile = NSTemporaryDirectory() + "rotation-bench-peak-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { try? FileManager.default.removeItem(atPath: peakFile) }
    let timed = FileManager.default.isExecutableFile(atPath: gnuTime)
    let command = timed ? [gnuTime, "-f", "%M", "-o", peakFile, path] : [path]
    let argv = (command + arguments).map { strdup($0) } + [nil]
    let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    let started = ContinuousClock.now
    let error = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
    guard error == 0 else { throw DumpBenchmarkError(description: "cannot start \(path): \(String(cString: strerror(error)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let elapsed = seconds(ContinuousClock.now - started)
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    // GNU time writes "Command exited with non-zero status N" before the figure when the child failed.
    let peakKB = timed ? (try? String(contentsOfFile: peakFile, encoding: .utf8))?.split(separator: "\n").last.flatMap { Double($0) } : nil
    return Spawned(status: exit, seconds: elapsed, maxResidentMegabytes: (peakKB ?? Double(usage.ru_maxrss)) / 1024,
                   peakIsExact: peakKB != nil)
}
