/// Who is calling whom: the parameters every request of the call carries.
struct CallIdentity: Sendable {
    var callSid: String
    var accountSid: String
    var from: String
    var to: String
    var fromCountry: String
    var toCountry: String

    /// Twilio's standard voice request fields. Location fields are sent empty, as Twilio
    /// does when it does not know them; a withheld caller ID has no country either.
    func standardParameters(callStatus: String) -> [(String, String)] {
        let callerCountry = from.hasPrefix("+") ? fromCountry : ""
        return [
            ("AccountSid", accountSid),
            ("ApiVersion", "2010-04-01"),
            ("CallSid", callSid),
            ("CallStatus", callStatus),
            ("Called", to),
            ("CalledCity", ""),
            ("CalledCountry", toCountry),
            ("CalledState", ""),
            ("CalledZip", ""),
            ("Caller", from),
            ("CallerCity", ""),
            ("CallerCountry", callerCountry),
            ("CallerState", ""),
            ("CallerZip", ""),
            ("Direction", "inbound"),
            ("From", from),
            ("FromCity", ""),
            ("FromCountry", callerCountry),
            ("FromState", ""),
            ("FromZip", ""),
            ("To", to),
            ("ToCity", ""),
            ("ToCountry", toCountry),
            ("ToState", ""),
            ("ToZip", ""),
        ]
    }
}
