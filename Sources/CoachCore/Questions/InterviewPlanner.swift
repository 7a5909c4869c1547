import Foundation

/// Picks the next bank question: the caller's role first, then general behavioral questions,
/// never one this caller has heard while unheard ones remain, and a competency not yet covered
/// in this session when there is one. Deterministic for a given seed, so tests and replays agree,
/// while different calls (different seeds) hear different orders.
public struct InterviewPlanner: Sendable {
    public let bank: QuestionBank

    public init(bank: QuestionBank) {
        self.bank = bank
    }

    public struct Context: Sendable {
        public var role: PracticeRole
        /// Question ids this caller heard before (earlier sessions) or in this call.
        public var excluded: Set<String>
        /// Competencies already asked in this session.
        public var covered: [Competency]
        /// Varies the order between calls; typically derived from the CallSid.
        public var seed: UInt64

        public init(role: PracticeRole, excluded: Set<String>, covered: [Competency], seed: UInt64) {
            self.role = role
            self.excluded = excluded
            self.covered = covered
            self.seed = seed
        }
    }

    public func nextQuestion(_ context: Context) -> Question {
        let own = bank.questions(for: context.role.key)
        let general = context.role.key == QuestionBank.generalKey ? [] : bank.questions(for: QuestionBank.generalKey)
        // Fresh role questions, then fresh general ones, then (bank exhausted) anything but this call's.
        let pools = [own, general, own + general]
        for (index, pool) in pools.enumerated() {
            let fresh = index < 2 ? pool.filter { !context.excluded.contains($0.id) } : pool
            guard !fresh.isEmpty else { continue }
            let uncovered = fresh.filter { !context.covered.contains($0.competency) }
            let choices = uncovered.isEmpty ? fresh : uncovered
            let entry = choices[Int(Self.mix(context.seed, UInt64(context.covered.count)) % UInt64(choices.count))]
            return question(from: entry, role: context.role)
        }
        // Unreachable with a valid bank (init refuses empty roles); keep a safe answer anyway.
        return Question(
            id: "builtin-0", text: "Tell me about a time you solved a difficult problem at work.",
            competency: .problemSolving, origin: .bank)
    }

    func question(from entry: QuestionBank.Entry, role: PracticeRole) -> Question {
        let roleWords = role.spoken?.trimmingCharacters(in: .whitespacesAndNewlines)
        let filled = entry.text.replacingOccurrences(
            of: "{role}", with: (roleWords?.isEmpty == false ? roleWords : nil) ?? "professional")
        return Question(id: entry.id, text: filled, competency: entry.competency, origin: .bank)
    }

    /// SplitMix64 step: cheap, well-spread, stable across platforms (unlike `Hasher`).
    static func mix(_ seed: UInt64, _ salt: UInt64) -> UInt64 {
        var z = seed &+ (salt &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable seed from a string such as a CallSid (FNV-1a).
    public static func seed(from text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
