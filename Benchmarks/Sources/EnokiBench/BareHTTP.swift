//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Hummingbird

/// A Hummingbird server with the route of the seed's `http_service` (`GET /get/<int:value>` answering
/// `{"value": N}` as text) and nothing of Enoki: the ceiling the HTTP benchmark measures Enoki against.
enum BareHTTP {
    static func run(port: Int) async throws {
        let router = Router()
        router.get("/get/:value") { _, context -> Response in
            guard let value = context.parameters.get("value", as: Int.self) else {
                return Response(status: .notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"value": \#(value)}"#))
            )
        }
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in print("bare server listening on 127.0.0.1:\(port)") }
        )
        try await application.runService()
    }
}
