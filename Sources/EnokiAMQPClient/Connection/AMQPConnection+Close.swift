//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import NIOCore

extension AMQPConnection {
    /// Starts closing without waiting, for cancellation handlers and shutdown hooks.
    func startClose() {
        self.queue.enqueue(.closeConnection(self.queue.eventLoop.makePromise()))
    }
}
