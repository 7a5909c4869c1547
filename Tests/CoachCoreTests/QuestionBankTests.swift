import Foundation
import Testing

@testable import CoachCore

@Suite struct QuestionBankTests {
    let bank: QuestionBank

    init() throws {
        bank = try QuestionBank.builtIn()
    }

    @Test func everyRequiredRoleHasAtLeastFifteenTaggedQuestions() {
        let required = [
            "general", "software_engineering", "product_management", "sales", "customer_service", "nursing", "retail",
            "teaching", "data_analysis", "generic",
        ]
        for key in required {
            let questions = bank.questions(for: key)
            #expect(bank.role(key) != nil, "missing role \(key)")
            #expect(questions.count >= 15, "\(key) has \(questions.count)")
            #expect(Set(questions.map(\.competency)).count >= 5, "\(key) mixes too few competencies")
        }
    }

    @Test func keypadOffersNineRolesInOrder() {
        #expect(bank.keypadRoles.map(\.dtmf) == ["1", "2", "3", "4", "5", "6", "7", "8", "9"])
    }

    @Test func malformedBankIsRefusedWithAReason() {
        #expect(throws: BankError.self) { try QuestionBank(json: Data("{\"version\":1}".utf8)) }
        let duplicate = """
            {"version":1,"roles":[
              {"key":"general","name":"g","dtmf":"1","aliases":[],"questions":[{"id":"a","competency":"failure","text":"x?"}]},
              {"key":"generic","name":"o","dtmf":null,"aliases":[],"questions":[{"id":"a","competency":"failure","text":"y?"}]}]}
            """
        #expect(throws: BankError("question id a appears twice")) { try QuestionBank(json: Data(duplicate.utf8)) }
    }

    @Test func planningNeverRepeatsAndMixesCompetencies() {
        let planner = InterviewPlanner(bank: bank)
        var excluded: Set<String> = []
        var covered: [Competency] = []
        for _ in 1...5 {
            let question = planner.nextQuestion(
                .init(role: PracticeRole(key: "sales"), excluded: excluded, covered: covered, seed: 42))
            #expect(!excluded.contains(question.id))
            excluded.insert(question.id)
            covered.append(question.competency)
        }
        #expect(Set(covered).count == 5, "five questions, five competencies: \(covered)")
        #expect(excluded.allSatisfy { id in bank.questions(for: "sales").contains { $0.id == id } })
    }

    @Test func exhaustedRoleMovesToGeneralQuestionsBeforeRepeating() {
        let planner = InterviewPlanner(bank: bank)
        let all = Set(bank.questions(for: "retail").map(\.id))
        let question = planner.nextQuestion(
            .init(role: PracticeRole(key: "retail"), excluded: all, covered: [], seed: 7))
        #expect(bank.questions(for: "general").contains { $0.id == question.id })
    }

    @Test func seedsVaryTheOrderButAreStable() {
        let planner = InterviewPlanner(bank: bank)
        let firsts = Set(
            (0..<20).map { seed in
                planner.nextQuestion(.init(role: .general, excluded: [], covered: [], seed: UInt64(seed))).id
            })
        #expect(firsts.count > 3)
        let a = planner.nextQuestion(.init(role: .general, excluded: [], covered: [], seed: 99))
        let b = planner.nextQuestion(.init(role: .general, excluded: [], covered: [], seed: 99))
        #expect(a == b)
    }

    @Test func genericQuestionsSpeakTheCallersRole() {
        let planner = InterviewPlanner(bank: bank)
        let role = PracticeRole(key: "generic", spoken: "beekeeper")
        var excluded: Set<String> = []
        var texts: [String] = []
        for _ in bank.questions(for: "generic") {
            let question = planner.nextQuestion(.init(role: role, excluded: excluded, covered: [], seed: 1))
            excluded.insert(question.id)
            texts.append(question.text)
        }
        #expect(texts.contains { $0.contains("beekeeper") })
        #expect(!texts.contains { $0.contains("{role}") })
    }

    @Test func rolesFromKeysAndFreeSpeech() {
        let matcher = RoleMatcher(bank: bank)
        #expect(matcher.match(digits: "3", speech: nil)?.key == "product_management")
        #expect(matcher.match(digits: "0", speech: nil) == nil)
        let pm = matcher.match(digits: nil, speech: "Junior product manager.")
        #expect(pm?.key == "product_management")
        #expect(pm?.spoken == "Junior product manager")
        #expect(matcher.match(digits: nil, speech: "registered nurse")?.key == "nursing")
        #expect(matcher.match(digits: nil, speech: "I want to be a teacher")?.key == "teaching")
        let other = matcher.match(digits: nil, speech: "airline pilot")
        #expect(other?.key == "generic")
        #expect(other?.spoken == "airline pilot")
        #expect(matcher.match(digits: nil, speech: "  ") == nil)
    }
}
