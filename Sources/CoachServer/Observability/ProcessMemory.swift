import Foundation

/// Resident memory from `/proc/self/status` (Linux); nil elsewhere.
enum ProcessMemory {
    struct Reading {
        var resident: Int
        var peak: Int
    }

    static func read() -> Reading? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") || line.hasPrefix("VmHWM:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            // "VmHWM:\t  123456 kB"
            if parts.count >= 2, let kilobytes = Int(parts[1]) { fields[String(parts[0])] = kilobytes * 1024 }
        }
        guard let resident = fields["VmRSS:"], let peak = fields["VmHWM:"] else { return nil }
        return Reading(resident: resident, peak: peak)
    }
}
