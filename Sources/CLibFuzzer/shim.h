// libFuzzer's driver, for a binary that has its own main (SwiftPM names an executable's entry point itself).
// Linked by -sanitize=fuzzer; only the fuzz build (-DFUZZING) calls it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
