import AsyncHTTPClient
import CoachBench
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process of this executable that the bench starts and stops: the server under test, or the
/// fakes. Each runs in a process of its own, so its CPU and memory are its own and its work never
/// queues on the simulator's threads, whose clock readings are the measurements.
struct BenchProcess {
    let process: Process
    let baseURL: String

    /// Starts `coachline ARGUMENTS` with the process environment plus `environment`, output to `log`,
    /// and returns once `readyPath` answers 200.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], port: Int, readyPath: String, log: URL,
        name: String
    ) async throws -> BenchProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath())
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let child = BenchProcess(process: process, baseURL: "http://127.0.0.1:\(port)")
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw BenchError.server("The \(name) exited before it answered:\n\(output)")
            }
            if await answers(child.baseURL + readyPath) { return child }
            try await Task.sleep(for: .milliseconds(100))
        }
        child.stop()
        throw BenchError.server("The \(name) did not answer within 60 s; its log: \(log.path)")
    }

    /// SIGTERM, as a platform would send, then wait for the graceful stop.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private static func answers(_ url: String) async -> Bool {
        let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1))
        return response?.status == .ok
    }

    /// This executable, so what runs is the same build as the bench.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Asks the kernel for a free port by binding port 0 (released again before the child binds it).
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

/// The server under test: `coachline serve` with the bench's settings.
enum BenchServer {
    static func start(environment: [String: String], log: URL) async throws -> BenchProcess {
        let port = try BenchProcess.freePort()
        // No .env: the bench decides the settings (a missing file is simply not read).
        let noEnvFile = log.deletingLastPathComponent().appendingPathComponent("none.env").path
        return try await BenchProcess.start(
            ["serve", "--env-file", noEnvFile],
            environment: environment.merging(["PORT": String(port), "HOST": "127.0.0.1", "LOG_LEVEL": "warning"]) {
                $1
            },
            port: port, readyPath: "/health", log: log, name: "server")
    }
}

/// The fake vendors: `coachline fakes`. They stand in for OpenAI's, Murf's and Twilio's machines; in
/// the simulator's process their work (JSON, audio, multipart) queued on the threads that time the calls.
enum BenchFakes {
    static func start(log: URL) async throws -> BenchProcess {
        let port = try BenchProcess.freePort()
        return try await BenchProcess.start(
            ["fakes", "--port", String(port), "--host", "127.0.0.1"], port: port,
            readyPath: "/_fake/requests/openAIChat", log: log, name: "fakes")
    }
}
