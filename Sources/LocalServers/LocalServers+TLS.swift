import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The TLS shape of the private servers: a throwaway CA made with the `openssl` command, a server certificate for
/// `localhost` and 127.0.0.1, Redis on `tls-port` only (plain `port 0`) and Postgres with `ssl = on` and `hostssl`
/// lines only, so nothing reaches either server in clear text. The URLs they hand out verify fully
/// (`rediss://...?tls_ca=`, `sslmode=verify-full&sslrootcert=`).
extension LocalServers {
    public struct TLSShape: Sendable {
        /// Redis `tls-auth-clients yes` (a client certificate signed by the CA is required) instead of `optional`.
        public var requireClientCertificate: Bool

        public init(requireClientCertificate: Bool = false) {
            self.requireClientCertificate = requireClientCertificate
        }
    }

    /// `ROTATION_TEST_TLS=1` makes the shared test servers (`TestEnvironment`) TLS-only, so a suite that talks to
    /// them runs once more over TLS unchanged; `ROTATION_TEST_TLS=client-certificate` also requires a client
    /// certificate from Redis clients.
    public static var testTLSShape: TLSShape? {
        switch ProcessInfo.processInfo.environment["ROTATION_TEST_TLS"] {
        case "1", "true", "yes": return TLSShape()
        case "client-certificate": return TLSShape(requireClientCertificate: true)
        default: return nil
        }
    }

    /// Paths of the generated PEM files, for tests that build their own URLs.
    public struct TLSFiles: Sendable {
        public let caCertificate: String
        /// A second CA that signed nothing the servers use: trusting only it must fail.
        public let otherCACertificate: String
        public let serverCertificate: String
        public let serverKey: String
        /// Signed by `caCertificate`, for servers that require a client certificate.
        public let clientCertificate: String
        public let clientKey: String
        public let shape: TLSShape

        /// Generates the CAs and certificates in `directory/tls` (keys 0600; the server key owned by the user
        /// Postgres runs as).
        static func generate(in directory: URL, shape: TLSShape) throws -> TLSFiles {
            let tls = directory.appendingPathComponent("tls")
            try FileManager.default.createDirectory(at: tls, withIntermediateDirectories: true)
            _ = chmod(tls.path, 0o711)
            func path(_ name: String) -> String { tls.appendingPathComponent(name).path }
            let files = TLSFiles(
                caCertificate: path("ca.crt"), otherCACertificate: path("other-ca.crt"),
                serverCertificate: path("server.crt"), serverKey: path("server.key"),
                clientCertificate: path("client.crt"), clientKey: path("client.key"), shape: shape)
            let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            for (name, subject) in [("ca", "/CN=Rotation throwaway CA"), ("other-ca", "/CN=Rotation unrelated CA")] {
                try openssl(["req", "-x509"] + curve + [
                    "-keyout", path("\(name).key"), "-out", path("\(name).crt"), "-days", "2", "-subj", subject,
                ], in: tls)
            }
            let extensions = [
                ("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"),
                ("client", "/CN=rotation-client", "extendedKeyUsage=clientAuth\n"),
            ]
            for (name, subject, text) in extensions {
                let extensionFile = path("\(name).ext")
                try Data(("basicConstraints=CA:FALSE\n" + text).utf8).write(to: URL(fileURLWithPath: extensionFile))
                try openssl(["req"] + curve + [
                    "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject,
                ], in: tls)
                try openssl([
                    "x509", "-req", "-in", path("\(name).csr"), "-CA", files.caCertificate, "-CAkey", path("ca.key"),
                    "-CAcreateserial", "-out", path("\(name).crt"), "-days", "2", "-extfile", extensionFile,
                ], in: tls)
            }
            for name in ["ca.key", "other-ca.key", "server.key", "client.key"] { _ = chmod(path(name), 0o600) }
            for name in ["ca.crt", "other-ca.crt", "server.crt", "client.crt"] { _ = chmod(path(name), 0o644) }
            if getuid() == 0, let user = getpwnam("postgres") {
                _ = chown(files.serverKey, user.pointee.pw_uid, user.pointee.pw_gid)
            }
            return files
        }

        private static func openssl(_ arguments: [String], in directory: URL) throws {
            let (status, output) = try runToCompletion(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, in: directory)
            guard status == 0 else {
                throw LocalServerError.commandFailed("openssl \(arguments.first ?? "")", output: output)
            }
        }
    }

    // MARK: Hooks used by LocalServers.swift (empty or unchanged without TLS)

    /// Extra `postgres` arguments.
    var postgresTLSArguments: [String] {
        guard let tlsFiles else { return [] }
        return ["-c", "ssl=on", "-c", "ssl_cert_file=\(tlsFiles.serverCertificate)",
                "-c", "ssl_key_file=\(tlsFiles.serverKey)", "-c", "ssl_ca_file=\(tlsFiles.caCertificate)"]
    }

    /// `host` lines, or `hostssl` when TCP must be encrypted.
    var postgresHostRuleKeyword: String { tlsFiles == nil ? "host" : "hostssl" }

    /// The query of the Postgres URL handed out.
    var postgresURLQuery: String {
        guard let tlsFiles else { return "sslmode=disable" }
        return "sslmode=verify-full&sslrootcert=\(tlsFiles.caCertificate)"
    }

    /// How Redis listens on `port`.
    func redisListenArguments(port: Int) -> [String] {
        guard let tlsFiles else { return ["--port", String(port)] }
        return ["--port", "0", "--tls-port", String(port),
                "--tls-cert-file", tlsFiles.serverCertificate, "--tls-key-file", tlsFiles.serverKey,
                "--tls-ca-cert-file", tlsFiles.caCertificate,
                "--tls-auth-clients", tlsFiles.shape.requireClientCertificate ? "yes" : "optional"]
    }

    /// `redis-cli` arguments to reach it.
    var redisCLITLSArguments: [String] {
        guard let tlsFiles else { return [] }
        return ["--tls", "--cacert", tlsFiles.caCertificate, "--cert", tlsFiles.clientCertificate,
                "--key", tlsFiles.clientKey]
    }

    /// The Redis URL handed out (with the client certificate when the server requires one).
    func redisURL(password: String, port: Int) -> String {
        guard let tlsFiles else { return "redis://:\(password)@127.0.0.1:\(port)/0" }
        var url = "rediss://:\(password)@127.0.0.1:\(port)/0?tls_ca=\(tlsFiles.caCertificate)"
        if tlsFiles.shape.requireClientCertificate {
            url += "&tls_cert=\(tlsFiles.clientCertificate)&tls_key=\(tlsFiles.clientKey)"
        }
        return url
    }
}
