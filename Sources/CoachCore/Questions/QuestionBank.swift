import Foundation

/// The built-in questions, loaded from `Resources/questions.json` so that coaches can edit them
/// without touching code. Every role has its own set; `generic` serves any job the bank lacks.
public struct QuestionBank: Sendable {
    public struct Entry: Sendable, Hashable, Codable {
        public var id: String
        public var competency: Competency
        public var text: String
    }

    public struct Role: Sendable, Codable {
        public var key: String
        public var name: String
        public var dtmf: String?
        public var aliases: [String]
        public var questions: [Entry]
    }

    struct File: Codable {
        var version: Int
        var roles: [Role]
    }

    public let roles: [Role]
    private let byKey: [String: Role]

    public static let genericKey = "generic"
    public static let generalKey = "general"

    public init(roles: [Role]) throws(BankError) {
        var byKey: [String: Role] = [:]
        var ids: Set<String> = []
        for role in roles {
            guard byKey[role.key] == nil else { throw BankError("role \(role.key) appears twice") }
            guard !role.questions.isEmpty else { throw BankError("role \(role.key) has no questions") }
            for entry in role.questions {
                guard ids.insert(entry.id).inserted else { throw BankError("question id \(entry.id) appears twice") }
            }
            byKey[role.key] = role
        }
        guard byKey[Self.genericKey] != nil, byKey[Self.generalKey] != nil else {
            throw BankError("the bank needs a '\(Self.generalKey)' and a '\(Self.genericKey)' role")
        }
        self.roles = roles
        self.byKey = byKey
    }

    public init(json: Data) throws(BankError) {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch {
            throw BankError("questions.json does not parse: \(error)")
        }
        try self.init(roles: file.roles)
    }

    /// The bank shipped with CoachLine.
    public static func builtIn() throws(BankError) -> QuestionBank {
        guard let url = Bundle.module.url(forResource: "questions", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { throw BankError("the built-in questions.json is missing from the bundle") }
        return try QuestionBank(json: data)
    }

    public func role(_ key: String) -> Role? { byKey[key] }

    /// The role's own questions, or the generic set for a role the bank lacks.
    public func questions(for key: String) -> [Entry] {
        (byKey[key] ?? byKey[Self.genericKey])?.questions ?? []
    }

    public func entry(id: String) -> Entry? {
        for role in roles { if let entry = role.questions.first(where: { $0.id == id }) { return entry } }
        return nil
    }

    /// The roles offered on the keypad, in key order.
    public var keypadRoles: [Role] {
        roles.filter { $0.dtmf != nil }.sorted { ($0.dtmf ?? "") < ($1.dtmf ?? "") }
    }
}

public struct BankError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
