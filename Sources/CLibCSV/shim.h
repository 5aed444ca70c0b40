#ifndef OUTCOMES_CLIBCSV_SHIM_H
#define OUTCOMES_CLIBCSV_SHIM_H
// libcsv 3.x from Debian's libcsv-dev (`apt-get install libcsv-dev`).
#include <csv.h>
#endif
