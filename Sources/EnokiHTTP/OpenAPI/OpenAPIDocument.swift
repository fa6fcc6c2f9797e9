//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The OpenAPI 3.1 document of a server's routes.
enum OpenAPIDocument {
    static func json(for routes: [RouteTable<WebServer.Target>.Route]) -> String {
        "{}"
    }
}

/// The page at `/apidocs`.
enum APIDocsPage {
    static func html(for routes: [RouteTable<WebServer.Target>.Route]) -> String {
        "<!doctype html>"
    }
}
