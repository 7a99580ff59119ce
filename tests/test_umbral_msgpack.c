/* The strict MessagePack subset of the Umbral wire format, on its own. */
#include <string.h>

#include "check.h"
#include "wire/msgpack.h"

static void reader(void)
{
	static const uint8_t good[] = {0x92, 0xc4, 0x02, 0xaa, 0xbb, 0xc3};
	uint8_t bin[2];
	bool flag = false;
	capsa_cbs cbs;

	check_context("reader");
	capsa_cbs_init(&cbs, good, sizeof good);
	CHECK_STATUS(capsa_mp_get_array(&cbs, 3), CAPSA_ERR_DECODE); /* wrong count, nothing consumed */
	CHECK(cbs.len == sizeof good);
	CHECK_OK(capsa_mp_get_array(&cbs, 2));
	CHECK_STATUS(capsa_mp_get_bin(&cbs, bin, 1), CAPSA_ERR_DECODE); /* wrong length, nothing consumed */
	CHECK(cbs.len == sizeof good - 1);
	CHECK_OK(capsa_mp_get_bin(&cbs, bin, 2));
	CHECK_MEM(bin, "\xaa\xbb", 2);
	CHECK_OK(capsa_mp_get_bool(&cbs, &flag));
	CHECK(flag && cbs.len == 0);
	CHECK_STATUS(capsa_mp_get_bool(&cbs, &flag), CAPSA_ERR_TRUNCATED);

	capsa_cbs_init(&cbs, (const uint8_t *)"\xc4\x02\xaa", 3);
	CHECK_STATUS(capsa_mp_get_bin(&cbs, bin, 2), CAPSA_ERR_TRUNCATED);
	CHECK(cbs.len == 3);
	capsa_cbs_init(&cbs, (const uint8_t *)"\xc5\x00\x02\xaa\xbb", 5); /* bin16 */
	CHECK_STATUS(capsa_mp_get_bin(&cbs, bin, 2), CAPSA_ERR_DECODE);
	capsa_cbs_init(&cbs, (const uint8_t *)"\xa2\xaa\xbb", 3); /* str */
	CHECK_STATUS(capsa_mp_get_bin(&cbs, bin, 2), CAPSA_ERR_DECODE);
	capsa_cbs_init(&cbs, (const uint8_t *)"\x01", 1); /* positive fixint is not a bool */
	CHECK_STATUS(capsa_mp_get_bool(&cbs, &flag), CAPSA_ERR_DECODE);
	capsa_cbs_init(&cbs, (const uint8_t *)"\x82", 1); /* a map is not a struct here */
	CHECK_STATUS(capsa_mp_get_array(&cbs, 2), CAPSA_ERR_DECODE);
}

static void writer(void)
{
	uint8_t buf[8], *p = buf;

	check_context("writer");
	p = capsa_mp_put_array(p, 2);
	p = capsa_mp_put_bin(p, (const uint8_t *)"\xaa\xbb", 2);
	p = capsa_mp_put_bool(p, false);
	CHECK(p - buf == 6);
	CHECK_MEM(buf, "\x92\xc4\x02\xaa\xbb\xc2", 6);
}

int main(void)
{
	reader();
	writer();
	return check_summary();
}
