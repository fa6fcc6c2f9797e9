//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// The Python spelling of a Swift name: `appendIdentifier` is `append_identifier`, `userID` is `user_id`,
/// `httpURL` is `http_url`, `HTTPServer` is `http_server`.
func snakeCase(_ name: String) -> String {
    let characters = Array(name)
    var out = ""
    for (index, character) in characters.enumerated() {
        if character.isUppercase {
            let previous = index > 0 ? characters[index - 1] : nil
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if let previous, previous != "_" {
                let startsWord = previous.isLowercase || previous.isNumber
                let endsAcronym = previous.isUppercase && (next?.isLowercase ?? false)
                if startsWord || endsAcronym {
                    out.append("_")
                }
            }
            out += character.lowercased()
        } else {
            out.append(character)
        }
    }
    return out
}
