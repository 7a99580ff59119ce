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

/*
 * capsa_source_feed reads the |len| bytes at [off, off + len) of |src| in
 * the calling thread, a piece at a time into a buffer of its own (wiped
 * after), and hands each piece to |write|. A signed file takes this path:
 * its trees are hashed in the calling thread from the bytes the engine is
 * given (container/sign.h, signed_stream.h), so the workers must not fetch
 * those bytes themselves. Returns CAPSA_OK, CAPSA_ERR_NOMEM, or the first
 * failure of |src| or |write|.
 */
capsa_status capsa_source_feed(capsa_stream_source src, void *arg, uint64_t off, uint64_t len,
                               capsa_status (*write)(void *obj, const uint8_t *data, size_t len),
                               void *obj) CAPSA_MUST_CHECK;

#endif
