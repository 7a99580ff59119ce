/* placeholder */
#include "umbral/vectors.h"
capsa_status umb_vectors_emit(char **json)
{
	*json = NULL;
	return CAPSA_ERR_UNSUPPORTED;
}
