import FuzzChecks
import Foundation
import Terminal

// One binary for every fuzz target (README "Fuzzing").
// - Built normally, it replays files: `rotation-fuzz <target> <file or folder>...` prints each broken invariant
//   and exits 1 if there was one. `rotation-fuzz targets` lists the targets; `rotation-fuzz seeds <target>
//   <folder>` writes the target's seed inputs (FuzzSeeds.swift) into a folder, for `.ci/fuzz`.
// - Built by `.ci/fuzz` with `-sanitize=fuzzer -parse-as-library -DFUZZING`, it is a libFuzzer binary: its main
//   hands the command line to libFuzzer's driver (SwiftPM names the entry point, so libFuzzer's own main is not
//   used), and the target comes from `ROTATION_FUZZ_TARGET`.

#if FUZZING
import CLibFuzzer

private let fuzzedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["ROTATION_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FuzzReport.line("ROTATION_FUZZ_TARGET must be one of: \(FuzzReport.targetNames)")
        exit(2)
    }
    return target
}()

// Exported under libFuzzer's name too: the runtime's archive refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = fuzzedTarget.check(input)
    guard violations.isEmpty else {
        for violation in violations { FuzzReport.line("violation: \(violation)") }
        abort()  // libFuzzer keeps the input as a crash-* file
    }
    return 0
}

@main
struct RotationFuzz {
    static func main() {
        _ = fuzzedTarget
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
@main
struct RotationFuzz {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["targets"] {
            print(FuzzTarget.allCases.map(\.rawValue).joined(separator: "\n"))
            return
        }
        if arguments.count == 3, arguments[0] == "seeds", let target = FuzzTarget(rawValue: arguments[1]) {
            writeSeeds(of: target, to: arguments[2])
            return
        }
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            FuzzReport.line("usage: rotation-fuzz <target> <file or folder>...\ntargets: \(FuzzReport.targetNames)")
            exit(2)
        }
        var failed = 0
        var replayed = 0
        for file in arguments.dropFirst().flatMap(FuzzReport.files) {
            guard let input = FileManager.default.contents(atPath: file) else {
                FuzzReport.line("\(file): cannot read")
                failed += 1
                continue
            }
            replayed += 1
            for violation in target.check(Array(input)) {
                FuzzReport.line("\(file): violation: \(violation)")
                failed += 1
            }
        }
        FuzzReport.line("\(target.rawValue): \(replayed) inputs replayed, \(failed) problems")
        exit(failed == 0 ? 0 : 1)
    }

    /// Seeds are named by content hash, like libFuzzer's corpus files, so writing them again adds nothing.
    static func writeSeeds(of target: FuzzTarget, to folder: String) {
        let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let seeds = target.seeds(repository: repository)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for seed in seeds {
                let url = URL(fileURLWithPath: folder).appendingPathComponent("seed-\(FuzzReport.fingerprint(seed.bytes))")
                try Data(seed.bytes).write(to: url)
            }
        } catch {
            FuzzReport.line("cannot write seeds to \(folder): \(error)")
            exit(1)
        }
        print(seeds.count)
    }
}
#endif

enum FuzzReport {
    static let targetNames = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")

    /// Violations are printable ASCII already; file names come from the command line and are sanitized too.
    static func line(_ text: String) {
        let safe = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { TerminalText.sanitize(String($0)) }.joined(separator: "\n")
        FileHandle.standardError.write(Data((safe + "\n").utf8))
    }

    /// FNV-1a, 64 bits, in hex: a stable file name for an input.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// A file, or the regular files of a folder (sorted), as given.
    static func files(_ path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }.filter { file in
            var isSubfolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isSubfolder) && !isSubfolder.boolValue
        }
    }
}
