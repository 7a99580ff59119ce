/* attest/envelope_rules.h - which items each platform's envelope holds. */
#ifndef CAPSA_ATTEST_ENVELOPE_RULES_H
#define CAPSA_ATTEST_ENVELOPE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>

struct evidence_rule {
	capsa_attest_platform platform;
	uint8_t tag;
	bool required;
	unsigned slot;   /* bit in the platform's required mask */
	size_t min_len;
	size_t max_len;
	const char *name; /* for messages and the CLI */
};

/* evidence_rule_find returns the rule for |tag| on |platform|, or NULL if the tag does not belong there. */
const struct evidence_rule *evidence_rule_find(capsa_attest_platform platform, uint8_t tag);

/* evidence_required_mask returns the bits of the platform's required items. */
unsigned evidence_required_mask(capsa_attest_platform platform);

#endif
