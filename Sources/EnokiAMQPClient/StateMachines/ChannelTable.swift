//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The channels of one connection by number. Pure: no I/O, no event loop.
///
/// It hands out channel numbers within the `channel_max` the broker allows, going round from the last number
/// given rather than reusing the lowest (so that a number just closed is not opened again at once while frames of
/// its old life may still arrive), and gives each opening a generation of its own. A ``ChannelKey`` names one
/// opening: after a number is closed and opened again, the old key no longer finds the new channel.
struct ChannelTable<Entry> {
    private var entries: [UInt16: (generation: UInt64, entry: Entry)] = [:]
    /// The highest channel number allowed; none before the connection is tuned.
    private(set) var channelMax: UInt16 = 0
    private var nextNumber: UInt16 = 1
    private var nextGeneration: UInt64 = 1

    /// How many channels are in the table.
    var count: Int { self.entries.count }

    /// The numbers of the channels in the table.
    var ids: [UInt16] { Array(self.entries.keys) }

    /// Sets the highest number allowed, as `connection.tune` negotiated it (0: no limit but the protocol's).
    mutating func tuned(channelMax: UInt16) {
        self.channelMax = channelMax == 0 ? .max : channelMax
    }

    /// Adds a channel under the next free number, or returns `nil` when every allowed number is in use.
    mutating func add(_ make: (UInt16) -> Entry) -> ChannelKey? {
        guard self.channelMax > 0, self.entries.count < Int(self.channelMax) else { return nil }
        var candidate = self.nextNumber
        for _ in 0..<Int(self.channelMax) {
            if candidate == 0 || candidate > self.channelMax { candidate = 1 }
            if self.entries[candidate] == nil {
                self.nextNumber = candidate &+ 1
                let key = ChannelKey(id: candidate, generation: self.nextGeneration)
                self.nextGeneration += 1
                self.entries[candidate] = (key.generation, make(candidate))
                return key
            }
            candidate &+= 1
        }
        return nil
    }

    /// The channel with this number, whichever opening it is.
    subscript(id: UInt16) -> Entry? { self.entries[id]?.entry }

    /// The channel `key` names, if that opening is still in the table.
    func entry(_ key: ChannelKey) -> Entry? {
        guard let slot = self.entries[key.id], slot.generation == key.generation else { return nil }
        return slot.entry
    }

    /// The key of the channel with this number.
    func key(of id: UInt16) -> ChannelKey? {
        self.entries[id].map { ChannelKey(id: id, generation: $0.generation) }
    }

    /// Removes the channel with this number.
    @discardableResult
    mutating func remove(_ id: UInt16) -> Entry? {
        self.entries.removeValue(forKey: id)?.entry
    }

    /// Removes every channel.
    mutating func removeAll() {
        self.entries = [:]
    }
}
