//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// werkzeug's HTML error pages and status lines, so that a client sees what a Nameko service sends.
enum WebPages {
    static let htmlContentType = "text/html; charset=utf-8"

    static func errorPage(_ status: Int, _ text: String) -> WebResponse {
        let title = "\(status) \(self.title(status))"
        let body =
            "<!doctype html>\n<html lang=en>\n<title>\(title)</title>\n<h1>\(self.title(status))</h1>\n<p>\(text)</p>\n"
        return WebResponse(body, status: status, contentType: self.htmlContentType)
    }

    static var notFound: WebResponse {
        self.errorPage(
            404,
            "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."
        )
    }

    static func methodNotAllowed(_ allowed: [String]) -> WebResponse {
        var response = self.errorPage(405, "The method is not allowed for the requested URL.")
        response.headers.append(("Allow", allowed.joined(separator: ", ")))
        return response
    }

    static var tooLarge: WebResponse {
        var response = self.errorPage(413, "The data value transmitted exceeds the capacity limit.")
        response.headers.append(("Connection", "close"))
        return response
    }

    static var unavailable: WebResponse {
        self.errorPage(
            503,
            "The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later."
        )
    }

    static func badRequest(_ text: String) -> WebResponse {
        self.errorPage(400, text)
    }

    /// werkzeug's `redirect(location, 308)`.
    static func redirect(_ location: String) -> WebResponse {
        let escaped = location.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
            .replacingAll("\"", "&#34;")
        let body =
            "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href=\"\(escaped)\">\(escaped)</a>. If not, click the link.\n"
        return WebResponse(
            status: 308,
            headers: [("Content-Type", self.htmlContentType), ("Location", location)],
            body: Array(body.utf8)
        )
    }

    /// The reason phrase werkzeug writes in the status line: upper case (`404 NOT FOUND`).
    static func reason(_ status: Int) -> String { self.title(status).uppercased() }

    static func title(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "Request Entity Too Large"
        case 415: return "Unsupported Media Type"
        case 418: return "I'm a teapot"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Unknown"
        }
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        self.split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
