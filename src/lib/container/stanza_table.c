/* The stanza types this build knows. A new route is one file and one line here. */
#include "container/stanza.h"

#include <string.h>

static const capsa_stanza_ops *const stanza_types[] = {
	&capsa_stanza_x25519,
	&capsa_stanza_umbral,
};

const capsa_stanza_ops *capsa_stanza_lookup(const char *type)
{
	for (size_t i = 0; i < sizeof stanza_types / sizeof stanza_types[0]; i++)
		if (strcmp(stanza_types[i]->type, type) == 0)
			return stanza_types[i];
	return NULL;
}
