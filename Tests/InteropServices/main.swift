//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import FoundationEssentials

// The Swift side of the interoperability tests: services the Python peers call and that call them.

struct Boom: Error, RemoteErrorConvertible {
    var remoteError: RemoteError {
        RemoteError(excType: "Boom", excPath: "swift_services.Boom", excArgs: ["boom", 42], value: "('boom', 42)")
    }
}

@Service("swift_echo")
struct SwiftEcho {
    @Dependency(WorkerContextProvider()) var worker: WorkerContext
    @RPCProxy("py_echo") var python: ServiceProxy

    @RPC func echo(_ a: JSONValue, b: JSONValue = "default") -> [JSONValue] {
        [a, b]
    }

    @RPC func whoami() -> [String: JSONValue] {
        ["stack": .array(self.worker.callIDStack.map { .string($0) }), "data": .object(self.worker.data)]
    }

    @RPC func fail() throws -> String {
        throw Boom()
    }

    @RPC func slow(_ seconds: Double) async throws -> Double {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return seconds
    }

    @RPC func callPython() async throws -> JSONValue {
        try await self.python.whoami()
    }

    @RPC func pythonTypes() async throws -> [String: String] {
        struct Types: Decodable {
            var dt: Date
            var date: Date
            var dec: Decimal
            var uuid: UUID
            var text_bytes: Data
            var binary: Data
        }
        let types: Types = try await self.python.types()
        return [
            "dt": KombuEnvelope.formatDate(types.dt),
            "date": KombuEnvelope.formatDate(types.date),
            "dec": "\(types.dec)",
            "uuid": types.uuid.uuidString,
            "text_bytes": String(decoding: types.text_bytes, as: UTF8.self),
            "binary": types.binary.base64EncodedString(),
        ]
    }
}

@Service("shared_svc")
struct SharedSwift {
    @RPC func who() -> String {
        "swift"
    }
}

await ServiceCommandLine.main(services: [SwiftEcho.self, SharedSwift.self])
