/// Everything the line says, in one place, worded for the ear: short sentences, no symbols.
/// Texts that never change are `static let` so they can be synthesised once at start-up.
public enum SpokenCopy {
    public static let welcomeNew =
        "Welcome to CoachLine, your interview practice line. I'll ask you real interview questions and coach you on your answers."
    public static let menu =
        "Press 1 or say interview for a mock interview. Press 2 or say progress to hear how you are doing. Press 3 or say role to choose the job you are practising for."
    public static let menuAgain = "Sorry, I didn't catch that."
    public static let menuGoodbye = "I still didn't catch a choice, so let's try another time. Goodbye, and good luck!"
    public static let backToMenu = "Let's go back to the main menu."
    public static let apology = "Sorry, something went wrong on our side. Your answers so far are saved."
    public static let hangupGoodbye = "Thanks for practising with CoachLine. Goodbye, and good luck!"
    public static let hold = "One moment while I get your next question ready."
    public static let holdFirst = "One moment while I get your first question ready."
    public static let rolePrompt =
        "Say the job you are practising for, for example product manager or nurse. Or use the keypad: 1 general, 2 software engineering, 3 product management, 4 sales, 5 customer service, 6 nursing and healthcare, 7 retail, 8 teaching, 9 data analysis."
    public static let roleAgain = "Sorry, I didn't get the job title."
    public static let roleGiveUp = "No problem, we'll keep general interview questions for now."
    public static let howItWorks =
        "Here is how it works. Press 1 for a mock interview of five questions. Answer each one after the beep, in one or two minutes, as you would in a real interview, and press pound when you are done. At the end you'll hear what you did well and one thing to work on. Call back any time and press 2 to hear your progress."
    public static let withheldProgress =
        "Your caller ID is hidden, so I can't keep track of your progress. Call from a number that shows its caller ID to build a history."
    public static let skippedAnswer = "I didn't hear an answer there, so let's move on."
    public static let acknowledgements = [
        "Thank you.", "Got it, thanks.", "Thanks for that answer.", "Okay, thank you.",
    ]

    public static func welcomeBack(role: String?) -> String {
        guard let role else { return "Welcome back to CoachLine. Good to hear from you again." }
        return "Welcome back to CoachLine. We'll keep practising for \(role)."
    }

    public static func interviewIntro(total: Int) -> String {
        "Let's begin your mock interview. I'll ask you \(total) \(total == 1 ? "question" : "questions"). Answer after the beep, and press pound when you're done."
    }

    public static func questionLead(number: Int, total: Int) -> String {
        if number == total { return "Here is your last question." }
        return number == 1 ? "Here is your first question." : "Question \(number)."
    }

    public static func roleConfirmed(_ role: String) -> String {
        "Got it: \(role). Your questions will be tailored to that from now on."
    }

    public static func acknowledgement(after number: Int) -> String {
        acknowledgements[(number - 1) % acknowledgements.count]
    }

    /// How each coaching dimension sounds as praise and as a tip, for debriefs and progress.
    public static func praise(_ dimension: CoachingDimension) -> String {
        switch dimension {
        case .structure: "telling your stories with a clear situation, action and result"
        case .substance: "giving concrete examples with real results"
        case .ownership: "making clear what you yourself did"
        case .pace: "speaking at an easy pace to follow"
        case .fluency: "speaking fluently with few filler words"
        case .length: "keeping your answers to a good length"
        }
    }

    public static func tip(_ dimension: CoachingDimension) -> String {
        switch dimension {
        case .structure: "structuring each answer as situation, task, action and result"
        case .substance: "ending with a concrete result, ideally a number"
        case .ownership: "saying I rather than we, so it's clear what you did"
        case .pace: "keeping a steady pace, neither rushed nor slow"
        case .fluency: "replacing filler words like um with a short pause"
        case .length: "aiming for one to two minutes per answer"
        }
    }

    /// Every text the line says that does not depend on the caller: synthesised once at start-up.
    public static func commonPrompts(questionsPerInterview total: Int) -> [String] {
        [
            welcomeNew, menu, menuAgain, menuGoodbye, backToMenu, apology, hangupGoodbye, hold, holdFirst,
            rolePrompt, roleAgain, roleGiveUp, howItWorks, withheldProgress, skippedAnswer, welcomeBack(role: nil),
            interviewIntro(total: total),
        ] + acknowledgements + (1...max(1, total)).map { questionLead(number: $0, total: total) }
    }
}
