#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Detects an export's encoding, byte-order mark, delimiter and line ending from its first
/// bytes, honouring any the user forced.
enum DialectSniffer {
    /// How much of the file is read to decide.
    static let sampleSize = 256 << 10

    static func sniff(path: String, options: IngestOptions) throws(IngestError) -> Dialect {
        let reader = try LineReader(path: path, blockSize: 1 << 16)
        var sample: [UInt8]
        do throws(IngestError) { sample = try reader.peek(count: sampleSize) } catch {
            throw error.inFile(path)
        }
        let isWholeFile = sample.count < sampleSize
        guard !sample.isEmpty else { throw IngestError(file: path, message: "empty file (0 bytes)") }
        if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF]) {
            throw IngestError(file: path, message: "UTF-16 text is not supported; save the export as UTF-8")
        }
        let hasBOM = sample.starts(with: [0xEF, 0xBB, 0xBF])
        if hasBOM { sample.removeFirst(3) }
        if let nul = sample.firstIndex(of: 0) {
            throw IngestError(
                file: path, line: lineNumber(at: nul, in: sample),
                message: "NUL byte: this looks like a binary file, not a CSV export")
        }
        let encoding: TextEncoding
        if let forced = options.encoding {
            encoding = forced
        } else {
            encoding = try detectEncoding(sample, path: path)
        }
        if encoding == .windows1252 {
            if let bad = sample.withUnsafeBytes({ Windows1252.firstUndefinedByte($0) }) {
                throw IngestError(
                    file: path, line: lineNumber(at: bad, in: sample),
                    message:
                        "byte 0x\(String(sample[bad], radix: 16, uppercase: true)) is neither UTF-8 nor Windows-1252; convert the file to UTF-8"
                )
            }
            var utf8: [UInt8] = []
            sample.withUnsafeBytes { Windows1252.transcode($0, into: &utf8) }
            sample = utf8
        }
        if sample.allSatisfy({ ASCII.isSpace($0) }) && isWholeFile {
            throw IngestError(file: path, message: "the file holds only blank lines: no header")
        }
        let lines = splitLines(sample, isWholeFile: isWholeFile)
        let delimiter = options.delimiter ?? detectDelimiter(lines)
        return Dialect(
            encoding: encoding, hasByteOrderMark: hasBOM, delimiter: delimiter,
            lineEnding: detectLineEnding(sample), decimalComma: options.decimalComma ?? (delimiter == 0x3B))
    }

    private static func detectEncoding(_ sample: [UInt8], path: String) throws(IngestError) -> TextEncoding {
        let result = sample.withUnsafeBytes { UTF8Validation.validate($0) }
        switch result {
        case .valid, .truncated: return .utf8
        case .invalid:
            // Text that is mostly UTF-8 with a stray Windows-1252 line stays UTF-8 (that line
            // is read as Windows-1252); a real Windows-1252 export has no UTF-8 sequences.
            if sample.withUnsafeBytes({ UTF8Validation.countValidSequences($0) }) > 0 { return .utf8 }
            if let bad = sample.withUnsafeBytes({ Windows1252.firstUndefinedByte($0) }) {
                throw IngestError(
                    file: path, line: lineNumber(at: bad, in: sample),
                    message:
                        "byte 0x\(String(sample[bad], radix: 16, uppercase: true)) is neither UTF-8 nor Windows-1252; convert the file to UTF-8"
                )
            }
            return .windows1252
        }
    }

    private static func detectLineEnding(_ sample: [UInt8]) -> LineEnding {
        var crlf = 0
        var lf = 0
        var cr = 0
        var index = 0
        while index < sample.count {
            let byte = sample[index]
            if byte == 0x0D {
                if index + 1 < sample.count && sample[index + 1] == 0x0A {
                    crlf += 1
                    index += 1
                } else {
                    cr += 1
                }
            } else if byte == 0x0A {
                lf += 1
            }
            index += 1
        }
        if crlf + lf + cr == 0 { return .none }
        if crlf >= lf && crlf >= cr { return .crlf }
        return lf >= cr ? .lf : .cr
    }

    /// Physical lines of the sample with their terminators; a cut-off last line is dropped.
    private static func splitLines(_ sample: [UInt8], isWholeFile: Bool) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < sample.count {
            let byte = sample[index]
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D && index + 1 < sample.count && sample[index + 1] == 0x0A { index += 1 }
                lines.append(sample[start...index])
                start = index + 1
            }
            index += 1
        }
        if start < sample.count && isWholeFile { lines.append(sample[start...]) }
        return lines
    }

    /// The candidate delimiter whose records most consistently have the header's field
    /// count (and, on a tie, more fields), parsing the sample with libcsv itself.
    static func detectDelimiter(_ lines: [ArraySlice<UInt8>]) -> UInt8 {
        var best: (delimiter: UInt8, consistency: Double, fields: Int) = (0x2C, -1, 0)
        for candidate in Dialect.candidateDelimiters {
            let counts = fieldCounts(lines, delimiter: candidate, limit: 200)
            guard let header = counts.first, header >= 2 else { continue }
            let matching = counts.filter { $0 == header }.count
            let consistency = Double(matching) / Double(counts.count)
            if consistency > best.consistency || (consistency == best.consistency && header > best.fields) {
                best = (candidate, consistency, header)
            }
        }
        return best.delimiter
    }

    private static func fieldCounts(_ lines: [ArraySlice<UInt8>], delimiter: UInt8, limit: Int) -> [Int] {
        let collector = FieldCollector()
        collector.setKeep([], beyond: .nothing)
        let tokenizer = CSVTokenizer(delimiter: delimiter, collector: collector)
        var counts: [Int] = []
        for line in lines where counts.count < limit {
            let outcome = line.withUnsafeBytes { tokenizer.parse($0) }
            if outcome != .consumed {
                tokenizer.reset()
                continue
            }
            if collector.hasRecord {
                counts.append(collector.fieldCount)
                collector.discardRecord()
            }
        }
        return counts
    }

    private static func lineNumber(at offset: Int, in sample: [UInt8]) -> Int {
        var line = 1
        var index = 0
        while index < offset {
            if sample[index] == 0x0A
                || (sample[index] == 0x0D && (index + 1 >= sample.count || sample[index + 1] != 0x0A))
            {
                line += 1
            }
            index += 1
        }
        return line
    }
}
