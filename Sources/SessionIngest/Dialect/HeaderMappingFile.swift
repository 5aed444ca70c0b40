import Foundation
import Yams

/// A user's mapping from header text to canonical fields, read from JSON or YAML.
///
/// The file is one object whose keys are headers as they appear in the export and whose
/// values are canonical field names or `ignore`:
///
/// ```yaml
/// Client Number: patient_id
/// Therapy Given: technique
/// Insurance: ignore
/// ```
public struct HeaderMappingFile: Sendable, Equatable {
    /// Normalised header key → field (nil: ignore the column).
    var assignments: [String: SessionField?]

    public init(assignments: [String: String]) throws(IngestError) {
        var table: [String: SessionField?] = [:]
        for (header, target) in assignments {
            let key = ASCII.normalizedKey(header)
            if target.lowercased() == "ignore" {
                table[key] = .some(nil)
            } else if let field = SessionField(rawValue: target) {
                table[key] = .some(field)
            } else {
                let names = SessionField.allCases.map(\.rawValue).joined(separator: ", ")
                throw IngestError(
                    file: "mapping", field: header,
                    message: "'\(target)' is not a field; use one of \(names) or ignore")
            }
        }
        self.assignments = table
    }

    /// Reads a mapping file (JSON is read as YAML, of which it is a subset).
    public static func load(path: String) throws(IngestError) -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(file: path, message: "cannot read the mapping file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let parsed: Any?
        do { parsed = try Yams.load(yaml: text) } catch {
            throw IngestError(
                file: path,
                message:
                    "not valid JSON or YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let object = parsed as? [String: Any] else {
            throw IngestError(file: path, message: "the mapping must be one object of header: field pairs")
        }
        var pairs: [String: String] = [:]
        for (header, value) in object {
            guard let target = value as? String else {
                throw IngestError(
                    file: path, field: header, message: "the value must be a field name or ignore")
            }
            pairs[header] = target
        }
        do { return try Self(assignments: pairs) } catch {
            throw IngestError(file: path, field: error.field, message: error.message)
        }
    }
}
