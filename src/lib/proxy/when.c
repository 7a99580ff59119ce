/* Points in time as users write them: a duration from now, or an RFC 3339 time. */
#include <string.h>
#include <time.h>

#include <capsa/proxy.h>

static bool digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

static capsa_status parse_duration(uint64_t *out, const char *s, size_t len, uint64_t now)
{
	static const struct { char unit; uint64_t secs; } units[] = {
		{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400},
	};
	uint64_t n = 0;

	if (len < 2 || len > 12 || s[0] == '0')
		return CAPSA_ERR_DECODE;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CAPSA_ERR_DECODE;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	for (size_t u = 0; u < sizeof units / sizeof *units; u++)
		if (s[len - 1] == units[u].unit) {
			uint64_t d = n * units[u].secs; /* n < 10^11: no overflow */
			if (d > UINT64_MAX - now)
				return CAPSA_ERR_DECODE;
			*out = now + d;
			return CAPSA_OK;
		}
	return CAPSA_ERR_DECODE;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DDTHH:MM:SS then Z or ±HH:MM; no fractions. */
static capsa_status parse_rfc3339(uint64_t *out, const char *s, size_t len)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, se, oh = 0, om = 0;
	int64_t t;

	if ((len != 20 && len != 25) || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
	    s[16] != ':' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
		return CAPSA_ERR_DECODE;
	if (len == 20 ? (s[19] != 'Z' && s[19] != 'z')
	              : ((s[19] != '+' && s[19] != '-') || s[22] != ':' || !digits(s + 20, 2, &oh) ||
	                 !digits(s + 23, 2, &om) || oh > 23 || om > 59))
		return CAPSA_ERR_DECODE;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
	    se > 59)
		return CAPSA_ERR_DECODE;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	t += (s[19] == '-' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60) * (len == 25);
	if (t < 0)
		return CAPSA_ERR_DECODE;
	*out = (uint64_t)t;
	return CAPSA_OK;
}

capsa_status capsa_when_parse(uint64_t *out, const char *s, uint64_t now)
{
	size_t len = s == NULL ? 0 : strlen(s);

	*out = 0;
	if (len > 4 && s[4] == '-')
		return parse_rfc3339(out, s, len);
	return parse_duration(out, s, len, now);
}
