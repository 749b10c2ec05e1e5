import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP clients' one way to send a request from a blocking caller (the worker's and the commands' threads):
/// the data task's answer, waited for. Retries, timeouts and what an answer means stay with each client.
extension URLSession {
    /// The clients' session: no cache, no cookies, a timeout per request.
    static func ephemeral(timeoutSeconds: Double) -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }

    func blockingResult(for request: URLRequest) -> Result<(Data, HTTPURLResponse), any Error> {
        let box = BlockingResponseBox()
        let done = DispatchSemaphore(value: 0)
        let task = dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(error)
            } else if let response = response as? HTTPURLResponse {
                box.result = .success((data ?? Data(), response))
            } else {
                box.result = .failure(URLError(.badServerResponse))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return box.result ?? .failure(URLError(.unknown))
    }
}

/// Written once by the data task's handler before the semaphore is signalled, read after the wait.
private final class BlockingResponseBox: @unchecked Sendable {
    var result: Result<(Data, HTTPURLResponse), any Error>?
}

extension String {
    /// The string without `suffix` at its end, if it ends with it (a base URL's trailing `/`).
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
