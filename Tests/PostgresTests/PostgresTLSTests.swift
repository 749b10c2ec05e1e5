import Foundation
import LocalServers
import Postgres
import XCTest

/// Postgres over TLS against a private server with `ssl = on` and `hostssl` lines only (LocalServers+TLS.swift):
/// libpq does the TLS; these check that the options pass through, are redacted correctly, and are reported.
final class PostgresTLSTests: XCTestCase {
    func testVerifyFullConnectsAndAWrongRootCertificateIsRefused() throws {
        let servers = try LocalServers.start(postgres: true, redis: false, tls: LocalServers.TLSShape())
        defer { servers.stop() }
        let files = try XCTUnwrap(servers.tlsFiles)
        let url = try XCTUnwrap(servers.postgresURL)
        XCTAssertTrue(url.contains("sslmode=verify-full"), "the handed-out URL verifies fully")
        let password = servers.postgresPassword

        let db = try PostgresConnection(url: url)
        defer { db.close() }
        XCTAssertEqual(try db.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").scalar(Bool.self), true)
        let tls = try XCTUnwrap(db.tlsInfo)
        XCTAssertTrue(tls.version.hasPrefix("TLSv1."), tls.version)
        XCTAssertEqual(tls.sslMode, "verify-full")
        XCTAssertEqual(tls.verifiedPeer, "127.0.0.1")

        // The options are shown (paths are not secrets), the password is not.
        let redacted = PostgresConfiguration(url).redacted
        XCTAssertTrue(redacted.contains("sslmode=verify-full"), redacted)
        XCTAssertTrue(redacted.contains("sslrootcert="), redacted)
        XCTAssertFalse(redacted.contains(password), redacted)

        // Trusting only an unrelated CA: refused, with a message that names the certificate and hides the password.
        let wrongRoot = url.replacingOccurrences(of: files.caCertificate, with: files.otherCACertificate)
        XCTAssertThrowsError(try PostgresConnection(url: wrongRoot)) { error in
            XCTAssertTrue("\(error)".lowercased().contains("certificate"), "\(error)")
            XCTAssertFalse("\(error)".contains(password), "\(error)")
        }

        // hostssl only: a client that does not encrypt is turned away.
        let plain = url.replacingOccurrences(of: "sslmode=verify-full", with: "sslmode=disable")
        XCTAssertThrowsError(try PostgresConnection(url: plain))

        // Keywords work as URLs do, with a client certificate (the server checks it against its CA when sent),
        // and `verify-ca` is reported as not having checked the name.
        let port = servers.postgresSocket.port
        let keywords = "host=localhost port=\(port) user=rotation password=\(password) dbname=rotation "
            + "sslmode=verify-full sslrootcert=\(files.caCertificate) sslcert=\(files.clientCertificate) "
            + "sslkey=\(files.clientKey) sslpassword=key-passphrase-7"
        let configuration = PostgresConfiguration(keywords)
        XCTAssertFalse(configuration.redacted.contains(password), configuration.redacted)
        XCTAssertFalse(configuration.redacted.contains("key-passphrase-7"), configuration.redacted)
        XCTAssertTrue(configuration.redacted.contains("sslcert="), configuration.redacted)
        let withCertificate = try PostgresConnection(configuration)
        defer { withCertificate.close() }
        XCTAssertEqual(withCertificate.tlsInfo?.verifiedPeer, "localhost")
        XCTAssertEqual(
            try withCertificate.query("SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()").scalar(String.self),
            "/CN=rotation-client")

        let verifyCA = try PostgresConnection(url: url.replacingOccurrences(of: "verify-full", with: "verify-ca"))
        defer { verifyCA.close() }
        XCTAssertEqual(verifyCA.tlsInfo?.sslMode, "verify-ca")
        XCTAssertNil(verifyCA.tlsInfo?.verifiedPeer)

        // A plain server reports no TLS.
        let socket = servers.postgresSocket
        let overSocket = try PostgresConnection(
            PostgresConfiguration("host=\(socket.directory) port=\(socket.port) user=rotation password=\(password) dbname=rotation"))
        defer { overSocket.close() }
        XCTAssertNil(overSocket.tlsInfo)
    }
}
