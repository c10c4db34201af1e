import Foundation

/// Content negotiation as Confluent's registry does it: it produces and consumes
/// `application/vnd.schemaregistry.v1+json` (preferred), `application/vnd.schemaregistry+json`
/// and `application/json` (the API reference's "Content Types" section); a request that accepts
/// none of them is 406, a body of another type is 415.
enum RegistryMediaTypes {
    static let preferred = "application/vnd.schemaregistry.v1+json"
    /// What the registry reads and writes, most preferred first.
    static let supported = [preferred, "application/vnd.schemaregistry+json", "application/json"]

    /// The type to answer in for an `Accept` header (absent or empty: the preferred one), or nil
    /// when the client accepts none of `supported`. Media ranges are tried by descending `q`
    /// (then in header order); `*/*` and `application/*` get the preferred type; `q=0` refuses.
    static func responseType(accept: String?) -> String? {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return preferred }
        var ranges: [(type: String, quality: Double, position: Int)] = []
        for (position, item) in accept.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = parts.first?.lowercased(), !type.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "q", let q = Double(pair[1]) { quality = q }
            }
            if quality > 0 { ranges.append((type, quality, position)) }
        }
        ranges.sort { $0.quality != $1.quality ? $0.quality > $1.quality : $0.position < $1.position }
        for range in ranges {
            if range.type == "*/*" || range.type == "application/*" { return preferred }
            if supported.contains(range.type) { return range.type }
        }
        return nil
    }

    /// True when a request body of this `Content-Type` can be read (absent is fine: JSON is assumed).
    static func canRead(contentType: String?) -> Bool {
        guard let contentType else { return true }
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type.isEmpty || supported.contains(type)
    }
}
