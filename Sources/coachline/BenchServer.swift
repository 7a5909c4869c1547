import AsyncHTTPClient
import CoachBench
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `coachline serve` child process, so the server's memory and CPU are its own, not the simulator's.
struct BenchServer {
    let process: Process
    let baseURL: String

    /// Starts the server with the process environment plus `environment`, on a free loopback port,
    /// and returns once it answers /health.
    static func start(environment: [String: String], log: URL) async throws -> BenchServer {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath())
        // No .env: the bench decides the settings (a missing file is simply not read).
        process.arguments = [
            "serve", "--env-file", log.deletingLastPathComponent().appendingPathComponent("none.env").path,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(
            environment.merging(["PORT": String(port), "HOST": "127.0.0.1", "LOG_LEVEL": "warning"]) { $1 }
        ) { $1 }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let server = BenchServer(process: process, baseURL: "http://127.0.0.1:\(port)")
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw BenchError.server("The server exited before it answered:\n\(output)")
            }
            if await healthy(server.baseURL) { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw BenchError.server("The server did not answer /health within 60 s; its log: \(log.path)")
    }

    /// SIGTERM, as a platform would send, then wait for the graceful stop.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private static func healthy(_ baseURL: String) async -> Bool {
        let request = HTTPClientRequest(url: baseURL + "/health")
        let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1))
        return response?.status == .ok
    }

    /// This executable, so the server under test is the same build as the bench.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Asks the kernel for a free port by binding port 0 (released again before the server binds it).
    static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw BenchError.server("cannot open a socket to find a free port") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socketFD, pointer, length) == 0 && getsockname(socketFD, pointer, &length) == 0
            }
        }
        guard bound else { throw BenchError.server("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
