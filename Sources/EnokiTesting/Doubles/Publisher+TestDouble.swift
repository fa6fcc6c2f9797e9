//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQP
import EnokiCore

extension Publisher: TestDoubleProviding {
    /// A publisher that records its messages (``TestDoubles/messages(_:)``) and publishes nothing.
    public func makeTestDouble(named name: String, doubles: TestDoubles) -> Publish {
        let recorder = CallRecorder<Publish.Message>()
        doubles.register(recorder, for: name)
        return Publish(exchange: self.exchange?.name ?? "", context: doubles.context) { message in
            try recorder.record(message)
        }
    }
}

extension EventDispatcher: TestDoubleProviding {
    /// A dispatcher that records its events (``TestDoubles/events(_:)``) and dispatches nothing.
    public func makeTestDouble(named name: String, doubles: TestDoubles) -> EventDispatch {
        let recorder = CallRecorder<EventDispatch.Event>()
        doubles.register(recorder, for: name)
        return EventDispatch(source: doubles.context.serviceName, context: doubles.context) { event in
            try recorder.record(event)
        }
    }
}

extension TestDoubles {
    /// The messages recorded by the publisher double named `name`.
    public func messages(_ name: String) -> CallRecorder<Publish.Message> {
        guard let recorder = self.recorder(name, as: CallRecorder<Publish.Message>.self) else {
            preconditionFailure("no publisher double named '\(name)'")
        }
        return recorder
    }

    /// The events recorded by the event dispatcher double named `name`.
    public func events(_ name: String) -> CallRecorder<EventDispatch.Event> {
        guard let recorder = self.recorder(name, as: CallRecorder<EventDispatch.Event>.self) else {
            preconditionFailure("no event dispatcher double named '\(name)'")
        }
        return recorder
    }
}
