/// Why a record was rejected, warned about or removed (the `reason` column of `rejects.csv`).
public enum RejectReason: String, CaseIterable, Sendable, Hashable, Comparable {
    // Errors: the record is rejected.
    case csvSyntax = "csv_syntax"
    case raggedRow = "ragged_row"
    case missingPatientID = "missing_patient_id"
    case missingSessionDate = "missing_session_date"
    case invalidSessionDate = "invalid_session_date"
    case missingSessionNumber = "missing_session_number"
    case invalidSessionNumber = "invalid_session_number"
    case missingTechnique = "missing_technique"
    case unknownTechnique = "unknown_technique"
    case missingPain = "missing_pain"
    case invalidPain = "invalid_pain"
    case painOutOfRange = "pain_out_of_range"
    case conflictingSessionNumber = "conflicting_session_number"
    // Warnings: the optional field is treated as missing and the record is kept.
    case invalidDuration = "invalid_duration"
    case invalidPainPost = "invalid_pain_post"
    case painPostOutOfRange = "pain_post_out_of_range"
    case invalidPainScale = "invalid_pain_scale"
    case invalidMedication = "invalid_medication"
    case unknownCause = "unknown_cause"
    case invalidSymptomOnset = "invalid_symptom_onset"
    case invalidAge = "invalid_age"
    case invalidSex = "invalid_sex"
    case invalidAdverseEvent = "invalid_adverse_event"
    // Removed: equal to an earlier accepted record.
    case duplicateRecord = "duplicate_record"

    /// The severity written in `rejects.csv`.
    public var severity: Severity {
        switch self {
        case .duplicateRecord: .duplicate
        case .invalidDuration, .invalidPainPost, .painPostOutOfRange, .invalidPainScale, .invalidMedication,
            .unknownCause, .invalidSymptomOnset, .invalidAge, .invalidSex, .invalidAdverseEvent:
            .warning
        default: .error
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// How serious a finding is.
    public enum Severity: String, Sendable {
        case error
        case warning
        case duplicate
    }
}
