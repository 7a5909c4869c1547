/// The few values the benchmark reads from a server's Prometheus text at /metrics.
struct ServerMetrics: Equatable {
    var engine: String?
    var peakResidentBytes: Int?

    init(engine: String?, peakResidentBytes: Int?) {
        self.engine = engine
        self.peakResidentBytes = peakResidentBytes
    }

    init(text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("coachline_database_info{"), let engine = Self.label("engine", in: line) {
                self.engine = engine
            } else if line.hasPrefix("coachline_process_peak_resident_memory_bytes"),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            {
                peakResidentBytes = Int(value)
            }
        }
    }

    private static func label(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: "\(name)=\"") else { return nil }
        let rest = line[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
