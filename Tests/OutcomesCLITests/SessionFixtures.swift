import Foundation
import TestSupport

extension SplitMix64 {
    /// `count` bytes drawn from `allowed`.
    mutating func bytes(_ count: Int, from allowed: [UInt8] = Array(0...255)) -> Data {
        Data((0..<count).map { _ in allowed[Int(next() % UInt64(allowed.count))] })
    }
}

/// Builds CSV text the way a careful exporter would: a field is quoted only when it holds
/// the delimiter, a quote, CR or LF, or starts or ends with white space.
enum CSVText {
    static func field(_ value: String, delimiter: Character = ",") -> String {
        let special = value.contains {
            $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n"
        }
        let padded = value.first?.isWhitespace == true || value.last?.isWhitespace == true
        guard special || padded else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String], delimiter: Character = ",") -> String {
        fields.map { field($0, delimiter: delimiter) }.joined(separator: String(delimiter))
    }

    static func document(_ rows: [[String]], lineEnding: String = "\n") -> String {
        rows.map { line($0) + lineEnding }.joined()
    }
}

/// One session row in the canonical dialect; unset optional fields are written empty.
struct SessionRow {
    static let header = [
        "clinic_id", "patient_id", "session_date", "session_number", "technique", "therapist_id",
        "duration_min",
        "pain_pre", "pain_post", "pain_scale", "med_doses_per_day", "cause", "symptom_onset_weeks", "age",
        "sex",
        "adverse_event", "notes",
    ]

    var clinic = "C01"
    var patient = "P000001"
    var date = "2024-03-04"
    var number = "1"
    var technique = "swedish"
    var therapist = "T001"
    var duration = "60"
    var painPre = "7"
    var painPost = ""
    var scale = "nrs"
    var doses = ""
    var cause = "herniated_disc"
    var onset = "8"
    var age = "50"
    var sex = "F"
    var adverse = ""
    var notes = ""

    var fields: [String] {
        [
            clinic, patient, date, number, technique, therapist, duration, painPre, painPost, scale, doses,
            cause, onset,
            age, sex, adverse, notes,
        ]
    }

    static func document(_ rows: [SessionRow], extraHeader: [String] = [], extraValues: [String] = [])
        -> String
    {
        CSVText.document([header + extraHeader] + rows.map { $0.fields + extraValues })
    }
}

/// Courses of sessions with simple, known outcomes.
enum CourseBuilder {
    static let techniques = ["deep_tissue", "swedish", "neuromuscular"]

    /// `perTechnique` complete courses of `sessions` sessions for each technique, at each
    /// clinic, pain falling by one point a session from a baseline of 8 (minus `course % 3`).
    /// `dates` gives the date of service of session k (1-based).
    static func courses(
        clinics: [String] = ["C01"], techniques: [String] = techniques, perTechnique: Int, sessions: Int = 4,
        patient: (Int) -> String = { String(format: "P%06d", $0) },
        dates: (Int) -> String = { String(format: "2024-03-%02d", $0) },
        configure: (inout SessionRow, _ course: Int, _ session: Int) -> Void = { _, _, _ in }
    ) -> [SessionRow] {
        var rows: [SessionRow] = []
        var course = 0
        for clinic in clinics {
            for technique in techniques {
                for _ in 0..<perTechnique {
                    course += 1
                    let baseline = 8 - course % 3
                    for session in 1...sessions {
                        var row = SessionRow()
                        row.clinic = clinic
                        row.patient = patient(course)
                        row.date = dates(session)
                        row.number = String(session)
                        row.technique = technique
                        row.painPre = String(max(0, baseline - (session - 1) * (1 + course % 2)))
                        row.painPost = String(max(0, baseline - (session - 1) * (1 + course % 2) - 1))
                        row.doses = String(max(0, 4 - session))
                        row.onset = String(2 + course % 20)
                        row.age = String(25 + course % 60)
                        row.sex = course % 2 == 0 ? "F" : "M"
                        configure(&row, course, session)
                        rows.append(row)
                    }
                }
            }
        }
        return rows
    }
}
