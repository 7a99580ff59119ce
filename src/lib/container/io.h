/* container/io.h - the descriptor helpers now live in core/io.h; this name stays for the files that include it. */
#ifndef CAPSA_CONTAINER_IO_H
#define CAPSA_CONTAINER_IO_H

#include "core/io.h"

#endif
