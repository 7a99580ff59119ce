/*
 * container/source.h - feeding a seal or an open from a source the payload
 * engine's workers read themselves (stream.h, capsa_stream_source): what
 * capsa_seal_fd and capsa_open_fd use for regular files.
 */
#ifndef CAPSA_CONTAINER_SOURCE_H
#define CAPSA_CONTAINER_SOURCE_H

#include <capsa/container.h>

#include "stream/stream.h"

/*
 * capsa_seal_write_from is capsa_seal_write for the |len| plaintext bytes at
 * [off, off + len) of |src|; it returns once no worker reads |src| any more.
 */
capsa_status capsa_seal_write_from(capsa_seal *s, capsa_stream_source src, void *arg, uint64_t off,
                                   uint64_t len) CAPSA_MUST_CHECK;

/*
 * capsa_open_write_from is capsa_open_write for the |len| container bytes at
 * [off, off + len) of |src|: header bytes are fetched by the caller, payload
 * bytes by the engine's workers; it returns once none reads |src| any more.
 */
capsa_status capsa_open_write_from(capsa_open *o, capsa_stream_source src, void *arg, uint64_t off,
                                   uint64_t len) CAPSA_MUST_CHECK;

#endif
