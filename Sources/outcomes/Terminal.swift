import Foundation

/// Writes to stdout and stderr through the file descriptors. A closed pipe
/// (`outcomes inspect big.csv | head`) ends the program quietly with status 0: a broken
/// pipe is not an error.
enum Terminal {
    static func write(_ text: String) {
        if !writeAll(text, to: STDOUT_FILENO) && errno == EPIPE { Foundation.exit(0) }
    }

    static func line(_ text: String = "") { write(text + "\n") }

    /// One line on stderr, prefixed with the program name. Control characters from the
    /// data (a header holding a newline or a terminal escape) are shown escaped, so the
    /// message stays one harmless line.
    static func error(_ message: String) {
        _ = writeAll("outcomes: error: \(oneLine(message))\n", to: STDERR_FILENO)
    }

    static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A note on stderr (what was read and written).
    static func note(_ message: String) {
        _ = writeAll(message + "\n", to: STDERR_FILENO)
    }

    /// Text on stderr with no newline (a progress line that redraws itself with `\r`).
    static func status(_ text: String) {
        _ = writeAll(text, to: STDERR_FILENO)
    }

    /// True when stderr is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    private static func writeAll(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
