import ArgumentParser
import Foundation
import SessionIngest

/// `outcomes`: treatment-outcome reports from massage clinics' sciatica session exports.
@main
struct Outcomes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Treatment-outcome reports for sciatica care from massage clinics' session exports.",
        discussion: """
            Reads CSV session exports (any common dialect, detected per file), validates every \
            record, and reports pain and medication outcomes by technique, session count and \
            cohort with confidence intervals, multiplicity adjustment and small-cell suppression.

            Exit status: 0 success; 1 `validate` rejected records; 2 an input could not be read \
            as a session export (the message names the file and line); 64 bad arguments.

            Examples:
              outcomes report Datasets/sessions_canonical.csv --out Reports/canonical
              outcomes validate clinic_a.csv clinic_b.csv --out checks
              outcomes inspect export.csv --rows 5
            """,
        version: "0.1.0",
        subcommands: [ReportCommand.self, ValidateCommand.self, InspectCommand.self]
    )

    /// Runs a command, turning every failure into one line on stderr and an exit status,
    /// in this one place.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            Terminal.error(failure.message)
            Foundation.exit(failure.status)
        } catch let error as IngestError {
            Terminal.error(error.description)
            Foundation.exit(ExitStatus.badInput)
        } catch {
            // Help and --version exit 0 with their text; `validate` signals rejects with a
            // bare exit code; everything else is one line and status 64 (bad arguments).
            let status = exitCode(for: error)
            let text = message(for: error)
            if status == .success || text.isEmpty { exit(withError: error) }
            Terminal.error(text + " (see 'outcomes --help')")
            Foundation.exit(status.rawValue)
        }
    }
}

/// The documented exit statuses.
enum ExitStatus {
    static let success: Int32 = 0
    static let recordsRejected: Int32 = 1
    static let badInput: Int32 = 2
}

/// A failure that ends a command with a message and a status.
struct CommandFailure: Error {
    var message: String
    var status: Int32 = ExitStatus.badInput
}
