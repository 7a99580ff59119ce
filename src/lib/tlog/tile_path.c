/* Tile and entry-bundle paths (c2sp.org/tlog-tiles): tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]. */
#include <stdio.h>
#include <string.h>

#include "tlog/tlog_internal.h"

/* Writes |n| as x-prefixed 3-digit groups ("x001/x234/067") into |out| (room for 34: up to 7 groups) and returns its length. */
static size_t index_groups(char *out, uint64_t n)
{
	unsigned g[7], k = 0;
	size_t len = 0;

	do {
		g[k++] = (unsigned)(n % 1000);
		n /= 1000;
	} while (n > 0);
	while (k-- > 0) {
		if (k > 0)
			out[len++] = 'x';
		out[len++] = (char)('0' + g[k] / 100);
		out[len++] = (char)('0' + g[k] / 10 % 10);
		out[len++] = (char)('0' + g[k] % 10);
		if (k > 0)
			out[len++] = '/';
	}
	out[len] = '\0';
	return len;
}

capsa_status capsa_tile_path(char out[CAPSA_TILE_PATH_MAX], const capsa_tile *t)
{
	char groups[40];
	int len;

	out[0] = '\0';
	if (t == NULL || t->level > CAPSA_TILE_MAX_LEVEL || (t->entries && t->level != 0) || t->width == 0 ||
	    t->width > CAPSA_TILE_WIDTH)
		return CAPSA_ERR_ARG;
	index_groups(groups, t->index);
	if (t->entries)
		len = snprintf(out, CAPSA_TILE_PATH_MAX, "tile/entries/%s", groups);
	else
		len = snprintf(out, CAPSA_TILE_PATH_MAX, "tile/%u/%s", t->level, groups);
	if (len > 0 && t->width < CAPSA_TILE_WIDTH)
		len += snprintf(out + len, CAPSA_TILE_PATH_MAX - (size_t)len, ".p/%u", t->width);
	return len > 0 && len < CAPSA_TILE_PATH_MAX ? CAPSA_OK : CAPSA_ERR_ARG;
}

static bool digits3(const char *s, size_t len, unsigned *v)
{
	if (len < 3)
		return false;
	for (int i = 0; i < 3; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	*v = (unsigned)((s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
	return true;
}

/* Parses <N>[.p/<W>] to the end of |t|. */
static capsa_status parse_index(capsa_tile *tile, tlog_text t)
{
	uint64_t n = 0, w = CAPSA_TILE_WIDTH;
	unsigned g;
	bool first = true;
	tlog_text rest;

	while (t.len > 0 && t.p[0] == 'x') {
		if (!digits3(t.p + 1, t.len - 1, &g) || t.len < 5 || t.p[4] != '/' || (first && g == 0) ||
		    n > (UINT64_MAX - g) / 1000)
			return CAPSA_ERR_DECODE;
		n = n * 1000 + g;
		first = false;
		t.p += 5;
		t.len -= 5;
	}
	if (!digits3(t.p, t.len, &g) || n > (UINT64_MAX - g) / 1000)
		return CAPSA_ERR_DECODE;
	n = n * 1000 + g;
	t.p += 3;
	t.len -= 3;
	if (t.len > 0 && (!tlog_line_prefix(&t, ".p/", &rest) || !tlog_parse_u64(&w, rest.p, rest.len) || w == 0 ||
	                  w >= CAPSA_TILE_WIDTH))
		return CAPSA_ERR_DECODE;
	tile->index = n;
	tile->width = (unsigned)w;
	return CAPSA_OK;
}

capsa_status capsa_tile_path_parse(capsa_tile *t, const char *path, size_t len)
{
	tlog_text s = {path, len}, rest;
	const char *slash;
	uint64_t level;
	capsa_status st;

	*t = (capsa_tile){0};
	if (path == NULL || len >= CAPSA_TILE_PATH_MAX || !tlog_line_prefix(&s, "tile/", &rest))
		return CAPSA_ERR_DECODE;
	if (tlog_line_prefix(&rest, "entries/", &s)) {
		t->entries = true;
	} else {
		if ((slash = memchr(rest.p, '/', rest.len)) == NULL ||
		    !tlog_parse_u64(&level, rest.p, (size_t)(slash - rest.p)) || level > CAPSA_TILE_MAX_LEVEL)
			return CAPSA_ERR_DECODE;
		t->level = (unsigned)level;
		s.p = slash + 1;
		s.len = rest.len - (size_t)(slash + 1 - rest.p);
	}
	if ((st = parse_index(t, s)) != CAPSA_OK)
		*t = (capsa_tile){0};
	return st;
}

unsigned capsa_tile_width(uint64_t size, unsigned level, uint64_t index)
{
	uint64_t hashes = level * CAPSA_TILE_HEIGHT < 64 ? size >> (level * CAPSA_TILE_HEIGHT) : 0;
	uint64_t full = hashes / CAPSA_TILE_WIDTH;

	if (level > CAPSA_TILE_MAX_LEVEL)
		return 0;
	if (index < full)
		return CAPSA_TILE_WIDTH;
	return index == full ? (unsigned)(hashes % CAPSA_TILE_WIDTH) : 0;
}

capsa_status capsa_tile_for_node(capsa_tile *t, unsigned *first, unsigned *count, uint64_t size, unsigned level,
                                 uint64_t index)
{
	unsigned sub = level % CAPSA_TILE_HEIGHT;

	*t = (capsa_tile){0};
	*first = *count = 0;
	if (level >= 64 || index >= (size >> level))
		return CAPSA_ERR_ARG; /* not a complete node of this tree */
	t->level = level / CAPSA_TILE_HEIGHT;
	t->index = index >> (CAPSA_TILE_HEIGHT - sub);
	t->width = capsa_tile_width(size, t->level, t->index);
	*first = (unsigned)((index << sub) % CAPSA_TILE_WIDTH);
	*count = 1u << sub;
	if (*first + *count > t->width) {
		*t = (capsa_tile){0};
		*first = *count = 0;
		return CAPSA_ERR_ARG;
	}
	return CAPSA_OK;
}
