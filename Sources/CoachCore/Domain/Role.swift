/// The job a caller practises for: a bank role (which steers the questions) plus the words they
/// actually said, kept so we can speak them back and, later, let a model tailor questions to them.
public struct PracticeRole: Sendable, Hashable, Codable {
    /// A role key of the question bank, e.g. `product_management`; `generic` for any other job.
    public var key: String
    /// What the caller said or chose, e.g. "junior product manager". Nil when never set.
    public var spoken: String?

    public init(key: String, spoken: String? = nil) {
        self.key = key
        self.spoken = spoken
    }

    public static let general = PracticeRole(key: "general")
}
