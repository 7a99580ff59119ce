/* The smallest libcapsa program: one include brings the whole API; every error code has a message. */
#include <stdio.h>

#include <capsa/capsa.h>

int main(void)
{
	printf("%s\n", capsa_status_str(CAPSA_ERR_NO_MATCH));
	return 0;
}
