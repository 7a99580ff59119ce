/* The smallest libcapsa program: every error code has a message. */
#include <stdio.h>

#include <capsa/status.h>

int main(void)
{
	printf("%s\n", capsa_status_str(CAPSA_ERR_NO_MATCH));
	return 0;
}
