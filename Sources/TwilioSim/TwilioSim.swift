import Foundation
import Logging

/// Behaves like Twilio in front of a phone number: places inbound calls against the
/// configured webhooks and reports everything that happened.
public actor TwilioSim {
    public let configuration: SimConfiguration
    private let transport: any SimTransport
    private let logger: Logger

    public init(
        configuration: SimConfiguration,
        transport: any SimTransport = HTTPClientTransport(),
        logger: Logger = Logger(label: "TwilioSim")
    ) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
    }

    /// Places one call with `caller` on the line and returns once the call and every
    /// callback it caused are over. Server failures are reported, not thrown.
    ///
    /// - Throws: `TwilioSimError.invalidConfiguration` when the call cannot start at all.
    public func placeCall(caller: any CallerAgent, callSid: String? = nil) async throws -> CallReport {
        try validate()
        let sid = callSid ?? Sids.make("CA")
        if !Sids.isValid(sid, prefix: "CA") {
            logger.notice("call SID is not CA + 32 hex digits", metadata: ["callSid": "\(sid)"])
        }
        let runner = CallRunner(
            configuration: configuration, transport: transport, logger: logger, caller: caller, callSid: sid)
        let report = await runner.run()
        logger.info(
            "call finished",
            metadata: [
                "callSid": "\(sid)", "endedBy": "\(report.endedBy.rawValue)",
                "webhooks": "\(report.exchanges.count)", "violations": "\(report.violations.count)",
            ])
        return report
    }

    private func validate() throws(TwilioSimError) {
        guard let scheme = configuration.voiceURL.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidConfiguration("voiceURL must be http or https: \(configuration.voiceURL)")
        }
        guard ["GET", "POST"].contains(configuration.voiceMethod.uppercased()) else {
            throw .invalidConfiguration("voiceMethod must be GET or POST")
        }
        guard configuration.maxWebhooks > 0 else {
            throw .invalidConfiguration("maxWebhooks must be positive")
        }
        guard configuration.timeScale >= 0 else {
            throw .invalidConfiguration("timeScale must not be negative")
        }
        if !Sids.isValid(configuration.accountSid, prefix: "AC") {
            logger.notice(
                "accountSid is not AC + 32 hex digits", metadata: ["accountSid": "\(configuration.accountSid)"])
        }
    }
}
