/*
 * client/client.h - what the CLI needs to talk to proxies and witnesses:
 * parallel HTTP requests with deadlines (libcurl multi). It uses only the
 * public API of libcapsa (include/capsa/) and this folder's headers.
 *
 *   http_client.h   parallel requests, per-call timeouts, a deadline, early stop
 */
#ifndef CAPSA_CLIENT_H
#define CAPSA_CLIENT_H
#endif
