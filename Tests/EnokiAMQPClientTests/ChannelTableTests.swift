//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Testing

@testable import EnokiAMQPClient

@Suite struct ChannelTableTests {
    @Test func noChannelOpensBeforeTheConnectionIsTuned() {
        var table = ChannelTable<String>()
        #expect(table.add { "channel \($0)" } == nil)
        table.tuned(channelMax: 0)
        #expect(table.channelMax == .max)
        #expect(table.add { "channel \($0)" }?.id == 1)
    }

    @Test func numbersGoRoundRatherThanReuseTheOneJustClosed() throws {
        var table = ChannelTable<String>()
        table.tuned(channelMax: 3)
        let one = try #require(table.add { "channel \($0)" })
        let two = try #require(table.add { "channel \($0)" })
        #expect([one.id, two.id] == [1, 2])
        table.remove(one.id)
        // 1 is free again, but 3 comes first: frames of the old channel 1 may still be on their way.
        #expect(table.add { "channel \($0)" }?.id == 3)
        #expect(table.add { "channel \($0)" }?.id == 1)
        #expect(table[1] == "channel 1")
        #expect(table.count == 3)
    }

    @Test func theLimitTheBrokerSetIsKept() throws {
        var table = ChannelTable<Int>()
        table.tuned(channelMax: 2)
        #expect(table.add { Int($0) } != nil)
        #expect(table.add { Int($0) } != nil)
        #expect(table.add { Int($0) } == nil)
        table.remove(2)
        #expect(table.add { Int($0) }?.id == 2)
    }

    @Test func aKeyNamesOneOpeningOfANumber() throws {
        var table = ChannelTable<String>()
        table.tuned(channelMax: 1)
        let first = try #require(table.add { _ in "first" })
        #expect(table.entry(first) == "first")
        #expect(table.key(of: first.id) == first)
        table.remove(first.id)
        #expect(table.entry(first) == nil)
        let second = try #require(table.add { _ in "second" })
        #expect(second.id == first.id)
        #expect(second.generation != first.generation)
        // The old key does not reach the new channel under the same number.
        #expect(table.entry(first) == nil)
        #expect(table.entry(second) == "second")
        table.removeAll()
        #expect(table.count == 0)
        #expect(table[second.id] == nil)
    }
}
