// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Rotation",
    products: [
        .executable(name: "rotation", targets: ["rotation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries: each has a module map and a shim header.
        .systemLibrary(
            name: "CNcursesw", pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(
            name: "CLibpq", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CHiredis", pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]),
        // OpenSSL carries Redis's bytes over TLS (hiredis 0.14 has none; it keeps the protocol).
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        // zlib and libxml2 stream the Discogs monthly dump (gzip-compressed XML) in constant memory.
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibxml2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),

        // Clients for the two shared tiers.
        .target(name: "Postgres", dependencies: ["CLibpq"]),
        .target(name: "Redis", dependencies: ["CHiredis", "COpenSSL"]),

        // Private Postgres and Redis started from the installed binaries, for the demo and the tests.
        .target(name: "LocalServers", dependencies: ["Redis"]),

        // Pure matching logic: Discogs models, normalisation, scoring, policy, evaluation. No I/O.
        .target(name: "Matching"),

        // The domain and the service: migrations, tiers, review actions, queue, stats, importers, queries.
        .target(
            name: "Rotation",
            dependencies: [
                "Postgres", "Redis", "Matching", "CZlib", "CLibxml2",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // Cell buffer, diff, sanitizer, keys, themes, the ncursesw backend and a memory backend.
        .target(
            name: "Terminal",
            dependencies: ["CNcursesw", .product(name: "TOMLKit", package: "TOMLKit")],
            exclude: ["Text/generate-width-table.py"]),

        // A program in a private tmux server: send keys, read the screen. For the end-to-end tests and the benchmarks.
        .target(name: "TmuxDriver"),

        // The review console's pure core: screens, state, update(event) -> effects, views, keys, the event loop. No
        // I/O of its own: it imports Terminal and the pure Matching only.
        .target(name: "Console", dependencies: ["Terminal", "Matching"], exclude: ["Keys/default-keymap.toml"]),
        // The console's effects run against the service: the effect handler, live feeds, session grants, URL launcher.
        .target(name: "ConsoleLive", dependencies: ["Console", "Rotation", "Matching"]),

        .executableTarget(
            name: "rotation",
            dependencies: [
                "Rotation", "Console", "ConsoleLive", "Terminal", "Matching", "LocalServers", "Postgres", "Redis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "rotation-bench",
            dependencies: [
                "Rotation", "Postgres", "Redis", "Terminal", "Console", "ConsoleLive", "Matching", "CLibpq", "CHiredis",
                "TmuxDriver", "LocalServers",
            ]),

        // Fuzzing (README "Fuzzing"): the invariants in one place, one binary that replays files or, built by
        // `.ci/fuzz` with -sanitize=fuzzer -DFUZZING, fuzzes; the regression tests replay Tests/Fixtures/fuzz.
        .target(
            name: "FuzzChecks",
            dependencies: ["Matching", "Rotation", "Terminal", "Console", "Redis", "Postgres", "CLibpq"]),
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "rotation-fuzz", dependencies: ["FuzzChecks", "Terminal", "CLibFuzzer"]),

        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "LocalServers"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "LocalServers"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching"]),
        .testTarget(name: "RotationTests", dependencies: ["Rotation", "Postgres", "Redis", "Matching", "LocalServers"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal"]),
        // Drives the built `rotation` executable against private servers, as an operator's script would.
        .testTarget(name: "CLITests", dependencies: ["LocalServers", "Postgres", "Redis"]),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "ConsoleLive", "Terminal", "Matching", "Rotation", "LocalServers", "Postgres", "Redis", "TmuxDriver",
            ],
            exclude: ["Snapshots"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzChecks"]),
    ],
    swiftLanguageModes: [.v6]
)
