/*
 * The floor for `scripts/bench`: a bare libcsv parse that only counts fields and rows.
 * Same options as the program's ingest (strict mode, strict fini, 1 MiB blocks), 4 MiB reads.
 * Build: cc -O2 -o csvfloor csvfloor.c -lcsv   (scripts/bench builds it into .bench-cache/)
 *
 * What it is: the least any libcsv-based reader can spend on the file - one thread, no
 * decoding, no validation, no storage. `outcomes validate` and `outcomes report` are judged
 * by their wall time as a multiple of this program's, measured on the same file in the same
 * run (targets: validate <= 1.2x, report <= 2.0x; see BENCHMARKS.md).
 * It keeps libcsv's default delimiter `,`, so it is the floor of the canonical export only;
 * the other dialects are compared with `outcomes report` on the canonical file instead.
 * Prints "<rows> rows, <fields> fields"; exit status 1 on a libcsv error, 2 on bad usage or
 * an unreadable file.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static size_t fields, rows;
static void on_field(void *s, size_t len, void *data) { (void)s; (void)len; (void)data; fields++; }
static void on_row(int c, void *data) { (void)c; (void)data; rows++; }

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: csvfloor FILE\n"); return 2; }
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 2; }
    struct csv_parser parser;
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_blk_size(&parser, 1 << 20);
    static char buffer[4 << 20];
    size_t count;
    while ((count = fread(buffer, 1, sizeof buffer, file)) > 0) {
        if (csv_parse(&parser, buffer, count, on_field, on_row, NULL) != count) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&parser)));
            return 1;
        }
    }
    csv_fini(&parser, on_field, on_row, NULL);
    csv_free(&parser);
    fclose(file);
    printf("%zu rows, %zu fields\n", rows, fields);
    return 0;
}
