/* core/io.h - whole reads and writes on descriptors, retrying EINTR and short transfers. */
#ifndef CAPSA_CORE_IO_H
#define CAPSA_CORE_IO_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/file.h>
#include <capsa/status.h>

/* Reads up to |len| bytes; |*got| < |len| only at end of file. Returns CAPSA_OK or CAPSA_ERR_IO. */
capsa_status capsa_read_full(int fd, uint8_t *buf, size_t len, size_t *got) CAPSA_MUST_CHECK;
/* As capsa_read_full, at offset |off| without moving the file position. */
capsa_status capsa_pread_full(int fd, uint8_t *buf, size_t len, uint64_t off, size_t *got) CAPSA_MUST_CHECK;

#endif
