import Foundation
import SessionIngest

/// A progress bar on stderr while inputs are read: only when stderr is a terminal and not
/// in CI, so logs and pipes never see it.
enum ProgressBar {
    /// Inputs smaller than this are read too fast for a bar to help.
    static let minimumBytes: Int64 = 32 << 20

    /// A progress sink, or nil when no bar should be drawn.
    static func start(for paths: [String]) -> IngestProgress? {
        guard Terminal.stderrIsTerminal, ProcessInfo.processInfo.environment["CI"] == nil else { return nil }
        let total = paths.reduce(Int64(0)) { sum, path in
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?
                .int64Value
            return sum + (size ?? 0)
        }
        guard total >= minimumBytes else { return nil }
        return IngestProgress { done, total in
            let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            Terminal.status(
                "\r\u{1B}[2Kreading [\(bar)] \(Int(fraction * 100))%  \(done >> 20)/\(total >> 20) MiB")
        }
    }

    /// Clears the bar's line.
    static func finish(_ progress: IngestProgress?) {
        if progress != nil { Terminal.status("\r\u{1B}[2K") }
    }
}
