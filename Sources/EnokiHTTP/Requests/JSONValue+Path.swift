//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore

extension JSONValue {
    /// One step of a path such as `items[2].kind`.
    enum PathComponent: Equatable {
        case key(String)
        case index(Int)
    }

    /// The steps of a path as ``JSONValueDecodingError/path`` writes it: keys separated by dots, indexes in
    /// brackets.
    static func pathComponents(_ path: String) -> [PathComponent] {
        var components: [PathComponent] = []
        var key = ""
        var index: String?
        for character in path {
            if var digits = index {
                if character == "]" {
                    components.append(.index(Int(digits) ?? 0))
                    index = nil
                } else {
                    digits.append(character)
                    index = digits
                }
            } else if character == "[" {
                if !key.isEmpty { components.append(.key(key)) }
                key = ""
                index = ""
            } else if character == "." {
                if !key.isEmpty { components.append(.key(key)) }
                key = ""
            } else {
                key.append(character)
            }
        }
        if !key.isEmpty { components.append(.key(key)) }
        return components
    }

    /// The value at a path, if there is one.
    func value(atPath path: String) -> JSONValue? {
        var current = self
        for component in Self.pathComponents(path) {
            switch component {
            case .key(let key):
                guard let next = current.objectValue?[key] else { return nil }
                current = next
            case .index(let index):
                guard let elements = current.arrayValue, elements.indices.contains(index) else { return nil }
                current = elements[index]
            }
        }
        return current
    }
}
