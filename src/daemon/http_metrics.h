/*
 * daemon/http_metrics.h - the metrics registry behind /metrics (internal to
 * http.c): request counters by route and status class, a latency histogram
 * per route, counters and gauges of the daemon, in the Prometheus text
 * exposition format 0.0.4.
 */
#ifndef CAPSA_DAEMON_HTTP_METRICS_H
#define CAPSA_DAEMON_HTTP_METRICS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

#define HTTP_METRICS_BUCKETS 11
#define HTTP_METRICS_MAX_ROUTES (CAPSA_HTTP_MAX_ROUTES + 1) /* + "other" */
#define HTTP_METRICS_MAX_EXTRA 32

typedef struct http_route_stats {
	char label[128];
	uint64_t by_class[4];                   /* 2xx 3xx 4xx 5xx (1xx counts as 2xx) */
	uint64_t buckets[HTTP_METRICS_BUCKETS]; /* non-cumulative; exposed cumulative */
	uint64_t count;
	double sum_s;
} http_route_stats;

typedef struct http_extra_metric {
	char name[96];
	char help[160];
	capsa_http_gauge_fn gauge; /* NULL: a counter */
	void *arg;
	uint64_t value;
} http_extra_metric;

typedef struct http_metrics {
	pthread_mutex_t mu;
	char prefix[48];
	http_route_stats routes[HTTP_METRICS_MAX_ROUTES];
	size_t num_routes;
	http_extra_metric extra[HTTP_METRICS_MAX_EXTRA];
	size_t num_extra;
} http_metrics;

void http_metrics_init(http_metrics *m, const char *prefix);
void http_metrics_destroy(http_metrics *m);
/* Adds a route's series; returns its slot, or -1 when full. */
int http_metrics_add_route(http_metrics *m, const char *label);
/* Records one request on slot |route| (-1: "other"). */
void http_metrics_observe(http_metrics *m, int route, int status, double seconds);
int http_metrics_add_extra(http_metrics *m, const char *name, const char *help, capsa_http_gauge_fn fn,
                           void *arg);
void http_metrics_counter_add(http_metrics *m, size_t id, uint64_t n);
/* Renders the exposition text (malloc'd, NUL-terminated) or NULL. */
char *http_metrics_render(http_metrics *m, size_t *len);

#endif
