/// A problem that stops the ingest of a file: it names the file, and the line and field
/// where there is one. Bad records are not errors; they become rejects.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// One line: `file:line: field: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "\(field): " }
        return text + message
    }

    func inFile(_ path: String) -> Self {
        var copy = self
        if copy.file.isEmpty { copy.file = path }
        return copy
    }
}
