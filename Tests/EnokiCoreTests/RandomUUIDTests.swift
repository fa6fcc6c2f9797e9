//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
import Foundation
import Testing

/// Call ids and correlation ids are version 4 UUIDs in lowercase text, as Python's `str(uuid.uuid4())`.
@Suite struct RandomUUIDTests {
    @Test func hasTheTextOfAVersion4UUID() throws {
        for _ in 0..<1000 {
            let text = RandomUUID.make()
            #expect(text.utf8.count == 36)
            let groups = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
            #expect(text.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
            #expect(groups[2].first == "4")
            #expect("89ab".contains(groups[3].first!))
            // Foundation reads it back as the same UUID.
            let parsed = try #require(UUID(uuidString: text))
            #expect(parsed.uuidString.lowercased() == text)
        }
    }

    @Test func doesNotRepeat() {
        let made = Set((0..<10_000).map { _ in RandomUUID.make() })
        #expect(made.count == 10_000)
        // The random bits are spread over the whole text, not only its tail.
        #expect(Set(made.map { $0.prefix(8) }).count > 9_900)
    }

    @Test func doesNotRepeatAcrossConcurrentCallers() async {
        // Calls and workers on many threads take ids at once: eight concurrent callers never get the same one.
        let made = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<2_000).map { _ in RandomUUID.make() } }
            }
            var all: [String] = []
            for await part in group { all += part }
            return all
        }
        #expect(made.count == 16_000)
        #expect(Set(made).count == 16_000)
    }
}
