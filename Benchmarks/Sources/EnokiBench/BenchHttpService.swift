//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import EnokiHTTP

/// The seed's `http_service` route the HTTP benchmark drives (the same as enoki-examples'), twin of
/// `bench/nameko/http_get.py`.
@Service("http_service")
struct BenchHttpService {
    @HTTP("GET", "/get/<int:value>")
    func getMethod(_ request: WebRequest, value: Int) -> String {
        #"{"value": \#(value)}"#
    }
}
