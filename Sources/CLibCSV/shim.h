#ifndef OUTCOMES_CLIBCSV_SHIM_H
#define OUTCOMES_CLIBCSV_SHIM_H
// libcsv 3.x from Debian's libcsv-dev (`apt-get install libcsv-dev`).
#include <csv.h>

// A hint that `address` will be read soon (no effect on results). Ingest asks for the
// dictionary slots of a whole block's patient ids before validating the block, so that the
// cache misses of a date-ordered export overlap instead of coming one after another.
static inline void outcomes_prefetch(const void *address) { __builtin_prefetch(address); }
#endif
