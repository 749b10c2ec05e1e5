/// Opens the right client for `REDIS_URL`: it may name one server or any node(s) of a cluster, comma-separated
/// (`redis://:pw@10.0.0.1:7000,redis://10.0.0.2:7000`; later URLs without a password take the first one's).
/// The first node that answers says which: `INFO cluster` with `cluster_enabled:1` means a cluster.
public enum RedisDeployment {
    /// Parses the comma-separated URLs; the first gives the password, user and database to the others.
    public static func configurations(
        url: String, connectTimeout: Duration = RedisConfiguration.defaultTimeout,
        commandTimeout: Duration = RedisConfiguration.defaultTimeout
    ) throws -> [RedisConfiguration] {
        let parts = splitURLs(url)
        guard !parts.isEmpty else { throw RedisError.invalidConfiguration("the URL is empty; expected redis://host:port") }
        var configurations: [RedisConfiguration] = []
        for (index, part) in parts.enumerated() {
            do {
                var configuration = try RedisConfiguration(
                    url: part, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
                if let first = configurations.first, configuration.password == nil {
                    configuration.password = first.password
                    configuration.username = first.username
                }
                configurations.append(configuration)
            } catch RedisError.invalidConfiguration(let message) {
                throw RedisError.invalidConfiguration(parts.count > 1 ? "URL \(index + 1): \(message)" : message)
            }
        }
        return configurations
    }

    /// Splits at a comma only where the next URL starts (`redis://`, `rediss://`, `unix://`), so a comma inside a
    /// password or a query stays where it is.
    static func splitURLs(_ text: String) -> [String] {
        var parts: [String] = []
        var current = Substring(text)
        var searchStart = current.startIndex
        while let comma = current[searchStart...].firstIndex(of: ",") {
            let rest = current[current.index(after: comma)...].drop { $0 == " " }
            if ["redis://", "rediss://", "unix://"].contains(where: { rest.lowercased().hasPrefix($0) }) {
                parts.append(String(current[..<comma]))
                current = rest
                searchStart = current.startIndex
            } else {
                searchStart = current.index(after: comma)
            }
        }
        parts.append(String(current))
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Connects to the first configuration that answers and returns a `RedisConnection` for a single server or
    /// a `RedisCluster` (seeded with every configuration) for a cluster.
    public static func connect(_ configurations: [RedisConfiguration]) throws -> any RedisClient {
        var lastError: Error = RedisError.invalidConfiguration("no Redis URL given")
        for (index, configuration) in configurations.enumerated() {
            let connection = RedisConnection(configuration: configuration)
            let clusterEnabled: Bool
            do {
                clusterEnabled = try isClusterNode(connection)
            } catch let error as RedisError where error.isConnectionProblem {
                lastError = error
                continue
            }
            guard clusterEnabled else { return connection }
            connection.close()
            let others = configurations.indices.filter { $0 != index }.compactMap { other -> ClusterNode? in
                guard case .tcp(let host, let port) = configurations[other].endpoint else { return nil }
                return ClusterNode(host: host, port: port)
            }
            return try RedisCluster(configuration: configuration, otherSeeds: others)
        }
        throw lastError
    }

    /// `INFO cluster` says; a hosted Redis that refuses INFO to this user is asked `CLUSTER INFO`, which only a
    /// cluster node answers with its state (one server answers an error; a refusal means not a cluster either).
    private static func isClusterNode(_ connection: RedisConnection) throws -> Bool {
        do {
            return try connection.info(section: "cluster").integer("cluster_enabled") == 1
        } catch let error as RedisError where error.isCommandRefused {
            do {
                return try connection.command("CLUSTER", "INFO").lossyString?.contains("cluster_state:") == true
            } catch let error as RedisError where !error.isConnectionProblem {
                return false
            }
        }
    }

    /// `configurations(url:)` then `connect(_:)`.
    public static func connect(url: String) throws -> any RedisClient {
        try connect(configurations(url: url))
    }
}
