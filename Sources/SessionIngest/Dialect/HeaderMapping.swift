/// How one file's header columns map to canonical fields.
public struct HeaderMapping: Sendable, Equatable {
    /// The header as it appears in the file.
    public var headers: [String]
    /// The field of each column, or nil for a column that is ignored.
    public var fields: [SessionField?]

    /// Column index of each mapped field.
    var columnOf: [SessionField: Int] = [:]

    /// The columns no field claimed (listed once in the data-quality output).
    public var ignoredHeaders: [String] {
        zip(headers, fields).compactMap { $1 == nil ? $0 : nil }
    }

    /// The required fields with no column.
    public var missingRequired: [SessionField] {
        SessionField.required.filter { columnOf[$0] == nil }
    }

    public func column(of field: SessionField) -> Int? { columnOf[field] }

    /// Maps `headers` through the user's mapping file, then canonical names, then aliases.
    /// Two columns claiming one field is an error naming both.
    init(headers: [String], file: String, mapping: HeaderMappingFile?) throws(IngestError) {
        self.headers = headers
        fields = []
        for (index, header) in headers.enumerated() {
            let key = ASCII.normalizedKey(header)
            let field: SessionField?
            if let assigned = mapping?.assignments[key] {
                field = assigned
            } else {
                field = SessionField.headerKeys[key]
            }
            if let field {
                if let earlier = columnOf[field] {
                    throw IngestError(
                        file: file, line: 1, field: field.rawValue,
                        message:
                            "columns \(earlier + 1) ('\(headers[earlier])') and \(index + 1) ('\(header)') both map to \(field.rawValue); map one to ignore with --mapping"
                    )
                }
                columnOf[field] = index
            }
            fields.append(field)
        }
    }
}
