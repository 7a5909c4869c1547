/// A set that forgets what it has not seen for a while: at most two generations of `generation` keys.
/// When the current generation is full it becomes the previous one and the older is dropped; a key
/// found in the previous generation moves to the current one. So what every call asks for (the prompts)
/// stays, and what one call heard once (its debrief) is forgotten after a few thousand others, where a
/// plain set grew with every call the line ever took.
struct RememberedKeys: Sendable {
    let generation: Int
    private var current: Set<String> = []
    private var previous: Set<String> = []

    init(generation: Int) {
        self.generation = max(1, generation)
    }

    /// How many keys it holds now (at most twice `generation`).
    var count: Int { current.count + previous.subtracting(current).count }

    mutating func insert(_ key: String) {
        guard !current.contains(key) else { return }
        if current.count >= generation {
            previous = current
            current = []
        }
        current.insert(key)
    }

    /// Whether `key` is held; a key found in the previous generation is kept for another one.
    mutating func contains(_ key: String) -> Bool {
        if current.contains(key) { return true }
        guard previous.contains(key) else { return false }
        insert(key)
        return true
    }
}
