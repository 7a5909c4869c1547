import CoachFakes
import Logging

/// Starts a fresh control and set of fakes on loopback ports of their own for one test, and stops
/// them afterwards, even when the test throws.
public func withFakes(logger: Logger, _ body: (RunningFakes, FakeControl) async throws -> Void) async throws {
    let control = FakeControl()
    let fakes = try await FakeServers.start(control: control, logger: logger)
    do {
        try await body(fakes, control)
    } catch {
        try? await fakes.stop()
        throw error
    }
    try await fakes.stop()
}
