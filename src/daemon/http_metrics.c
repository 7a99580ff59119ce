/*
 * daemon/http_metrics.c - the /metrics registry and its text exposition
 * (Prometheus format 0.0.4). One mutex: a request takes it for a few
 * additions, a scrape for one pass over a few dozen series.
 */
#include "http_metrics.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Prometheus client libraries' default buckets, in seconds. */
static const double bucket_le[HTTP_METRICS_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                         0.5,   1,    2.5,   5,    10};
static const char *const class_label[4] = {"2xx", "3xx", "4xx", "5xx"};

void http_metrics_init(http_metrics *m, const char *prefix)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->mu, NULL);
	snprintf(m->prefix, sizeof(m->prefix), "%s", prefix && *prefix ? prefix : "capsa");
	http_metrics_add_route(m, "other");
}

void http_metrics_destroy(http_metrics *m)
{
	pthread_mutex_destroy(&m->mu);
}

int http_metrics_add_route(http_metrics *m, const char *label)
{
	int slot = -1;
	pthread_mutex_lock(&m->mu);
	if (m->num_routes < HTTP_METRICS_MAX_ROUTES) {
		slot = (int)m->num_routes++;
		snprintf(m->routes[slot].label, sizeof(m->routes[slot].label), "%s", label);
	}
	pthread_mutex_unlock(&m->mu);
	return slot;
}

static int status_class(int status)
{
	if (status >= 500)
		return 3;
	if (status >= 400)
		return 2;
	if (status >= 300)
		return 1;
	return 0;
}

void http_metrics_observe(http_metrics *m, int route, int status, double seconds)
{
	pthread_mutex_lock(&m->mu);
	http_route_stats *r = &m->routes[route > 0 && (size_t)route < m->num_routes ? route : 0];
	r->by_class[status_class(status)]++;
	for (size_t i = 0; i < HTTP_METRICS_BUCKETS; i++) {
		if (seconds <= bucket_le[i]) {
			r->buckets[i]++;
			break;
		}
	}
	r->count++;
	r->sum_s += seconds;
	pthread_mutex_unlock(&m->mu);
}

int http_metrics_add_extra(http_metrics *m, const char *name, const char *help, capsa_http_gauge_fn fn, void *arg)
{
	int slot = -1;
	pthread_mutex_lock(&m->mu);
	if (m->num_extra < HTTP_METRICS_MAX_EXTRA) {
		http_extra_metric *e = &m->extra[m->num_extra];
		snprintf(e->name, sizeof(e->name), "%s", name);
		snprintf(e->help, sizeof(e->help), "%s", help ? help : "");
		e->gauge = fn;
		e->arg = arg;
		slot = (int)m->num_extra++;
	}
	pthread_mutex_unlock(&m->mu);
	return slot;
}

void http_metrics_counter_add(http_metrics *m, size_t id, uint64_t n)
{
	pthread_mutex_lock(&m->mu);
	if (id < m->num_extra && !m->extra[id].gauge)
		m->extra[id].value += n;
	pthread_mutex_unlock(&m->mu);
}

/* A growing text buffer; |failed| sticks. */
typedef struct text {
	char *buf;
	size_t len, cap;
	bool failed;
} text;

__attribute__((format(printf, 2, 3))) static void put(text *t, const char *fmt, ...)
{
	for (int tries = 0; tries < 2 && !t->failed; tries++) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if (t->buf && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap + (size_t)n + 1) * 2;
		char *nb = realloc(t->buf, cap);
		if (!nb) {
			t->failed = true;
			return;
		}
		t->buf = nb;
		t->cap = cap;
	}
}

/* HELP text escapes backslash and newline; label values also the double quote. */
static void put_escaped(text *t, const char *s, bool label)
{
	for (; *s; s++) {
		if (*s == '\\')
			put(t, "\\\\");
		else if (*s == '\n')
			put(t, "\\n");
		else if (*s == '"' && label)
			put(t, "\\\"");
		else
			put(t, "%c", *s);
	}
}

static void put_help(text *t, const char *name, const char *help, const char *type)
{
	put(t, "# HELP %s ", name);
	put_escaped(t, help, false);
	put(t, "\n# TYPE %s %s\n", name, type);
}

static void put_requests(text *t, const http_metrics *m)
{
	char name[128];
	snprintf(name, sizeof(name), "%s_http_requests_total", m->prefix);
	put_help(t, name, "HTTP requests answered, by route and status class.", "counter");
	for (size_t r = 0; r < m->num_routes; r++) {
		for (int c = 0; c < 4; c++) {
			put(t, "%s{route=\"", name);
			put_escaped(t, m->routes[r].label, true);
			put(t, "\",code=\"%s\"} %llu\n", class_label[c], (unsigned long long)m->routes[r].by_class[c]);
		}
	}
}

static void put_histogram(text *t, const http_metrics *m)
{
	char name[128];
	snprintf(name, sizeof(name), "%s_http_request_duration_seconds", m->prefix);
	put_help(t, name, "Time from a request's headers to its response, by route.", "histogram");
	for (size_t r = 0; r < m->num_routes; r++) {
		const http_route_stats *s = &m->routes[r];
		uint64_t cumulative = 0;
		for (size_t i = 0; i < HTTP_METRICS_BUCKETS; i++) {
			cumulative += s->buckets[i];
			put(t, "%s_bucket{route=\"", name);
			put_escaped(t, s->label, true);
			put(t, "\",le=\"%g\"} %llu\n", bucket_le[i], (unsigned long long)cumulative);
		}
		put(t, "%s_bucket{route=\"", name);
		put_escaped(t, s->label, true);
		put(t, "\",le=\"+Inf\"} %llu\n%s_sum{route=\"", (unsigned long long)s->count, name);
		put_escaped(t, s->label, true);
		put(t, "\"} %.6f\n%s_count{route=\"", s->sum_s, name);
		put_escaped(t, s->label, true);
		put(t, "\"} %llu\n", (unsigned long long)s->count);
	}
}

static void put_extra(text *t, const http_metrics *m)
{
	for (size_t i = 0; i < m->num_extra; i++) {
		const http_extra_metric *e = &m->extra[i];
		char name[160];
		if (e->gauge) {
			snprintf(name, sizeof(name), "%s_%s", m->prefix, e->name);
			put_help(t, name, e->help, "gauge");
			double v = e->gauge(e->arg);
			if (isnan(v))
				put(t, "%s NaN\n", name);
			else if (isinf(v))
				put(t, "%s %s\n", name, v > 0 ? "+Inf" : "-Inf");
			else
				put(t, "%s %.17g\n", name, v);
		} else {
			snprintf(name, sizeof(name), "%s_%s_total", m->prefix, e->name);
			put_help(t, name, e->help, "counter");
			put(t, "%s %llu\n", name, (unsigned long long)e->value);
		}
	}
}

char *http_metrics_render(http_metrics *m, size_t *len)
{
	text t = {0};
	pthread_mutex_lock(&m->mu);
	put_requests(&t, m);
	put_histogram(&t, m);
	put_extra(&t, m);
	pthread_mutex_unlock(&m->mu);
	if (t.failed || !t.buf) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}
