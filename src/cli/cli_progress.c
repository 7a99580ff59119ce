/* A progress bar on stderr for long seal and open runs. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(cli_progress *p, const char *label, uint64_t total, bool quiet)
{
	*p = (cli_progress){.enabled = !quiet && isatty(STDERR_FILENO), .label = label, .total = total};
	p->start = p->last = now();
}

static void draw(cli_progress *p, double t)
{
	double mib = (double)p->done / (1 << 20), rate = mib / (t - p->start > 0 ? t - p->start : 1);

	if (p->total > 0) {
		int pct = (int)(p->done * 100 / p->total), bars = pct * 30 / 100;
		fprintf(stderr, "\r%s [%-30.*s] %3d%% %.0f/%.0f MiB %.0f MiB/s ", p->label, bars,
		        "##############################", pct, mib, (double)p->total / (1 << 20), rate);
	} else {
		fprintf(stderr, "\r%s %.0f MiB %.0f MiB/s ", p->label, mib, rate);
	}
	p->drawn = true;
	p->last = t;
}

void cli_progress_add(cli_progress *p, uint64_t n)
{
	double t;

	p->done += n;
	if (!p->enabled)
		return;
	t = now();
	/* only long work gets a bar, and it is redrawn at most five times a second */
	if (t - p->start >= 1.0 && t - p->last >= 0.2)
		draw(p, t);
}

void cli_progress_end(cli_progress *p)
{
	if (p->drawn) {
		draw(p, now());
		fputc('\n', stderr);
	}
}
