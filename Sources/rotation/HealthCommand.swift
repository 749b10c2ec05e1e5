import ArgumentParser
import Foundation
import Rotation
import Terminal

struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check Postgres and Redis: version, round-trip time, schema version and shapes.",
        discussion: "Exits 0 when both tiers are up, 1 when either is down (named, with its URL minus the password).")

    @OptionGroup var servers: ServerOptions

    @Option(help: "Seconds to wait for each tier.")
    var timeout = 3

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func run() throws {
        let report = HealthCheck.run(settings: servers.settings, timeoutSeconds: timeout)
        if json {
            try printJSON(report)
        } else {
            for tier in [report.postgres, report.redis] {
                var line = "\(tier.tier.padding(toLength: 9, withPad: " ", startingAt: 0)) \(tier.up ? "up  " : "DOWN") \(TerminalText.sanitize(tier.target))"
                if let version = tier.version { line += "  version \(version)" }
                if let rtt = tier.roundTripMilliseconds { line += String(format: "  rtt %.2f ms", rtt) }
                if tier.tier == "postgres" && tier.up { line += "  schema \(tier.schemaVersion.map(String.init) ?? "none (run rotation migrate)")" }
                printLine(line)
                if let tls = tier.tlsVersion {
                    let peer = tier.tlsVerifiedPeer.map { "verified peer \(TerminalText.sanitize($0))" } ?? "peer name not verified"
                    printLine("          tls \(TerminalText.sanitize(tls))  \(peer)")
                }
                if let deployment = tier.deployment { printLine("          \(deployment)") }
                if let check = tier.schemaCheck { printLine("          shapes \(TerminalText.sanitize(check))") }
                if let note = tier.note { printLine("          note: \(TerminalText.sanitize(note))") }
                if let error = tier.error { printLine("          \(TerminalText.sanitize(error))") }
            }
            if let replica = report.replica {
                printLine("replica   \(replica.up ? "up  " : "DOWN") \(TerminalText.sanitize(replica.target))  \(TerminalText.sanitize(replica.summary))")
            }
        }
        if !report.allUp {
            let down = [report.postgres, report.redis].filter { !$0.up }.map(\.tier).joined(separator: " and ")
            if !json { printError("rotation: \(down) down") }
            throw ExitCode(1)
        }
    }
}
