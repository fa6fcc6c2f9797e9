//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore

/// The routes of a server and werkzeug's way of choosing one for a request: pure, so that it is tested without a
/// server.
///
/// - Rules are tried in werkzeug's order (text before variables, lighter converters first), then in the order
///   they were added.
/// - A route that allows GET allows HEAD. OPTIONS is not added (it gets a 405, as in Nameko).
/// - A path that matches a rule with other methods gets 405 and the methods it allows.
/// - Strict slashes: a path without the trailing slash of a rule is redirected to it (308).
/// - Merged slashes: a path with `//` is redirected to the path with single slashes when that matches.
public struct RouteTable<Target: Sendable>: Sendable {
    /// One route.
    public struct Route: Sendable {
        /// The rule.
        public var rule: RouteRule
        /// The methods, upper case, as declared.
        public var methods: [String]
        /// What serves it.
        public var target: Target

        /// Whether the route takes a request of this method.
        func allows(_ method: String) -> Bool {
            self.methods.contains(method) || (method == "HEAD" && self.methods.contains("GET"))
        }

        /// The methods for an `Allow` header: as declared, and HEAD after GET.
        var allowed: [String] {
            self.methods.contains("GET") && !self.methods.contains("HEAD") ? self.methods + ["HEAD"] : self.methods
        }
    }

    /// What a request finds.
    public enum Match: Sendable {
        /// A route, with the converted values of its variables.
        case found(Route, [String: JSONValue])
        /// Another path (strict or merged slashes): 308 with `Location`.
        case redirect(String)
        /// The path exists with other methods: 405 with `Allow`.
        case methodNotAllowed([String])
        /// Nothing: 404.
        case notFound
    }

    private var routes: [Route] = []

    /// An empty table.
    public init() {}

    /// The routes, in the order they are tried.
    public var all: [Route] { self.routes }

    /// Adds a route.
    ///
    /// - Throws: ``WebError`` when a route with the same rule already takes one of the methods.
    public mutating func add(_ rule: RouteRule, methods: [String], target: Target) throws(WebError) {
        let methods = methods.map { $0.uppercased() }
        if let clash = self.routes.first(where: {
            $0.rule.text == rule.text && !Set($0.methods).isDisjoint(with: methods)
        }) {
            throw WebError(
                .route,
                "\(rule) is declared twice for \(Set(clash.methods).intersection(methods).sorted().joined(separator: ","))"
            )
        }
        self.routes.append(Route(rule: rule, methods: methods, target: target))
        // A stable sort, each rule's key computed once: equal keys keep the order they were added in.
        let keyed = self.routes.enumerated().map {
            (offset: $0.offset, key: $0.element.rule.sortKey, route: $0.element)
        }
        self.routes = keyed.sorted { left, right in
            left.key.lexicographicallyPrecedes(right.key) || (left.key == right.key && left.offset < right.offset)
        }.map(\.route)
    }

    /// Removes the routes whose target `isRemoved` says so.
    public mutating func removeAll(where isRemoved: (Route) -> Bool) {
        self.routes.removeAll(where: isRemoved)
    }

    /// The route for a request.
    ///
    /// - Parameters:
    ///   - method: The request's method, upper case.
    ///   - path: The request's path, percent-decoded.
    public func match(method: String, path: String) -> Match {
        var allowed: [String] = []
        for route in self.routes {
            guard let values = route.rule.match(path[...]) else { continue }
            if route.allows(method) { return .found(route, values) }
            for method in route.allowed where !allowed.contains(method) {
                allowed.append(method)
            }
        }
        if !allowed.isEmpty { return .methodNotAllowed(allowed) }
        if !path.hasSuffix("/") {
            let slashed = path + "/"
            if self.routes.contains(where: {
                $0.rule.endsWithSlash && $0.allows(method) && $0.rule.match(slashed[...]) != nil
            }) {
                return .redirect(slashed)
            }
        }
        if path.contains("//") {
            var merged = ""
            for character in path where !(character == "/" && merged.last == "/") {
                merged.append(character)
            }
            if case .found = self.match(method: method, path: merged) { return .redirect(merged) }
            if case .redirect(let target) = self.match(method: method, path: merged) { return .redirect(target) }
        }
        return .notFound
    }
}
