/* The ready-made sinks of capsa/container.h. */
#include <stdio.h>

#include <capsa/container.h>

#include "core/io.h"

capsa_status capsa_sink_fd(void *arg, const uint8_t *data, size_t len)
{
	return capsa_write_all(*(const int *)arg, data, len);
}

capsa_status capsa_sink_file(void *arg, const uint8_t *data, size_t len)
{
	return len == 0 || fwrite(data, 1, len, (FILE *)arg) == len ? CAPSA_OK : CAPSA_ERR_IO;
}
