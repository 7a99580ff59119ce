/* fuzz/fuzz.h - the libFuzzer entry point every fuzz/fuzz_*.c defines. */
#ifndef CAPSA_FUZZ_H
#define CAPSA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
