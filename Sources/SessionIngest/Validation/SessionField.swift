/// A canonical input field of a session export (METRICS.md §1).
public enum SessionField: String, CaseIterable, Sendable, Hashable {
    case clinicID = "clinic_id"
    case patientID = "patient_id"
    case sessionDate = "session_date"
    case sessionNumber = "session_number"
    case technique
    case therapistID = "therapist_id"
    case durationMinutes = "duration_min"
    case painPre = "pain_pre"
    case painPost = "pain_post"
    case painScale = "pain_scale"
    case medDosesPerDay = "med_doses_per_day"
    case cause
    case symptomOnsetWeeks = "symptom_onset_weeks"
    case age
    case sex
    case adverseEvent = "adverse_event"
    case notes

    /// The fields every export must have a column for.
    public static let required: [SessionField] = [.patientID, .sessionDate, .technique, .painPre]

    public var isRequired: Bool { Self.required.contains(self) }

    /// The field's position in `allCases`, without hashing (used per record).
    @inline(__always)
    var ordinal: Int {
        switch self {
        case .clinicID: 0
        case .patientID: 1
        case .sessionDate: 2
        case .sessionNumber: 3
        case .technique: 4
        case .therapistID: 5
        case .durationMinutes: 6
        case .painPre: 7
        case .painPost: 8
        case .painScale: 9
        case .medDosesPerDay: 10
        case .cause: 11
        case .symptomOnsetWeeks: 12
        case .age: 13
        case .sex: 14
        case .adverseEvent: 15
        case .notes: 16
        }
    }

    /// Header spellings that practice-management, EHR and spreadsheet exports use, as
    /// normalised keys (lower-case letters and digits only).
    static let aliases: [SessionField: [String]] = [
        .clinicID: [
            "clinic", "clinicid", "clinicname", "site", "siteid", "sitename", "location", "locationid",
            "locationname", "practice", "practiceid", "branch", "clinicsite",
        ],
        .patientID: [
            "patient", "patientid", "patientnumber", "patientno", "client", "clientid", "clientnumber",
            "clientno", "mrn", "medicalrecordnumber", "chartnumber", "chartno", "patientcode", "caseid",
        ],
        .sessionDate: [
            "sessiondate", "date", "dateofservice", "servicedate", "visitdate", "dos", "appointmentdate",
            "treatmentdate", "sessionday", "datum",
        ],
        .sessionNumber: [
            "sessionnumber", "session", "sessionno", "sessionnum", "visit", "visitnumber", "visitno",
            "visitnum", "treatmentnumber", "treatmentno", "sessioncount",
        ],
        .technique: [
            "technique", "modality", "treatment", "treatmenttype", "massagetype", "massagetechnique",
            "service", "servicetype", "therapy", "therapytype",
        ],
        .therapistID: [
            "therapist", "therapistid", "provider", "providerid", "practitioner", "practitionerid",
            "clinician", "clinicianid", "staff", "staffid", "masseur", "rmt",
        ],
        .durationMinutes: [
            "durationmin", "duration", "durationminutes", "durationmins", "minutes", "mins",
            "sessionlength", "length", "sessionminutes", "lengthmin", "sessionduration",
        ],
        .painPre: [
            "painpre", "painbefore", "painbefore010", "painpre010", "prepain", "painscorebefore",
            "painscorepre", "nrspre", "vaspre", "painbeforevas", "painbeforenrs", "painbeforesession",
            "presessionpain", "initialpain", "painstart", "painbefore0100", "painpre0100",
        ],
        .painPost: [
            "painpost", "painafter", "painafter010", "painpost010", "postpain", "painscoreafter",
            "painscorepost", "nrspost", "vaspost", "painaftervas", "painafternrs", "painaftersession",
            "postsessionpain", "painend", "painafter0100", "painpost0100",
        ],
        .painScale: ["painscale", "scale", "painscaletype", "painmeasure"],
        .medDosesPerDay: [
            "meddosesperday", "medication", "medications", "meds", "analgesicdoses",
            "analgesicdosesday", "analgesicdosesperday", "dosesperday", "dosesday", "analgesicuse",
            "painmedication", "painmeddoses", "medicationdosesperday", "analgesics",
        ],
        .cause: ["cause", "diagnosis", "condition", "etiology", "aetiology", "primarydiagnosis", "dx"],
        .symptomOnsetWeeks: [
            "symptomonsetweeks", "weekssinceonset", "onsetweeks", "symptomweeks",
            "weekssincesymptomonset", "symptomdurationweeks", "durationofsymptomsweeks", "weekssymptomatic",
        ],
        .age: ["age", "patientage", "ageyears", "ageatvisit"],
        .sex: ["sex", "gender", "patientsex", "patientgender"],
        .adverseEvent: [
            "adverseevent", "adverseevents", "sideeffect", "sideeffects", "reaction", "adversereaction",
            "complication", "complications",
        ],
        .notes: [
            "notes", "note", "comments", "comment", "remarks", "sessionnotes", "clinicalnotes", "soapnotes",
            "freetext",
        ],
    ]

    /// Every accepted header key mapped to its field.
    static let headerKeys: [String: SessionField] = {
        var table: [String: SessionField] = [:]
        for field in allCases {
            table[ASCII.normalizedKey(field.rawValue)] = field
            for alias in aliases[field, default: []] { table[alias] = field }
        }
        return table
    }()
}
