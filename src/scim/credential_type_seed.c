/*
 * The demo tenant's starter CredentialTypes; see credential_type_seed.h.
 * They are plain POST bodies run through op_create_in, so they obey
 * every rule a client's type does and cannot drift from the schema.
 */
#include "config.h"

#include <string.h>

#include "scim/credential_type.h"
#include "scim/credential_type_seed.h"
#include "scim/ops.h"
#include "util/arena.h"

#define HEAD(id, name) \
	"{\"schemas\":[\"" CREDENTIAL_TYPE_URN "\"],\"id\":\"" id \
	"\",\"name\":\"" name "\","

static const char *const demo_types[] = {
    HEAD("CT_ACODE",
	"Activation code") "\"description\":\"A one-time code that activates a user's device or "
			   "account.\","
			   "\"management\":{\"mode\":\"MANAGED\"},\"initialStatus\":\"PENDING\","
			   "\"validityDays\":30,\"attributes\":["
			   "{\"name\":\"ACTIVATION_CODE\",\"type\":\"STRING\",\"required\":true,"
			   "\"readOnly\":true,\"maxLength\":19,"
			   "\"pattern\":\"[A-Z0-9]{4}(-[A-Z0-9]{4}){0,3}\","
			   "\"uniqueness\":\"tenant\",\"description\":\"The code: groups of four "
			   "capital letters or digits joined by '-', such as 7KQ2-MX4P.\"},"
			   "{\"name\":\"EXPIRY_THRESHOLD_OF_ACTIVATION_CODE\",\"type\":\"INT\","
			   "\"defaultValue\":\"-1\",\"description\":\"Days before expiry at which "
			   "the code is renewed; -1 never.\"}]}",

    HEAD("CT_OTP",
	"OATH one-time password token") "\"description\":\"A hardware or software OATH token (RFC 4226 HOTP, "
					"RFC 6238 TOTP).\","
					"\"management\":{\"mode\":\"MANAGED\"},\"initialStatus\":\"ACTIVE\","
					"\"validityDays\":-1,\"attributes\":["
					"{\"name\":\"SERIAL\",\"type\":\"STRING\",\"required\":true,"
					"\"maxLength\":32,\"pattern\":\"[A-Za-z0-9-]{1,32}\","
					"\"uniqueness\":\"tenant\",\"description\":\"The token's serial "
					"number.\"},"
					"{\"name\":\"ALGORITHM\",\"type\":\"STRING\",\"pattern\":\"HOTP|TOTP\","
					"\"defaultValue\":\"TOTP\"},"
					"{\"name\":\"DIGITS\",\"type\":\"INT\",\"defaultValue\":\"6\"},"
					"{\"name\":\"TIME_STEP\",\"type\":\"INT\",\"defaultValue\":\"30\","
					"\"description\":\"Seconds per TOTP step.\"},"
					"{\"name\":\"COUNTER\",\"type\":\"LONG\",\"defaultValue\":\"0\","
					"\"description\":\"The HOTP moving factor.\"}]}",

    HEAD("CT_PKI",
	"Smart-card certificate") "\"description\":\"An X.509 certificate on a smart card or token.\","
				  "\"management\":{\"mode\":\"MANAGED\"},\"initialStatus\":\"PENDING\","
				  "\"validityDays\":365,\"attributes\":["
				  "{\"name\":\"CERT_SERIAL\",\"type\":\"STRING\",\"required\":true,"
				  "\"readOnly\":true,\"maxLength\":40,\"pattern\":\"[0-9A-Fa-f]{2,40}\","
				  "\"uniqueness\":\"tenant\",\"description\":\"The certificate serial "
				  "number in hexadecimal.\"},"
				  "{\"name\":\"SUBJECT_DN\",\"type\":\"STRING\",\"maxLength\":256},"
				  "{\"name\":\"NOT_BEFORE\",\"type\":\"DATE\"},"
				  "{\"name\":\"NOT_AFTER\",\"type\":\"DATE\"},"
				  "{\"name\":\"KEY_USAGE\",\"type\":\"STRING\","
				  "\"defaultValue\":\"digitalSignature\"}]}",

    HEAD("CT_BADGE",
	"Employee badge") "\"description\":\"A physical access badge, issued by rules to the "
			  "users they select.\","
			  "\"management\":{\"mode\":\"AUTOMATED\"},\"initialStatus\":\"ACTIVE\","
			  "\"validityDays\":730,\"attributes\":["
			  "{\"name\":\"BADGE_NUMBER\",\"type\":\"STRING\",\"readOnly\":true,"
			  "\"maxLength\":12,\"pattern\":\"[0-9]{6,12}\","
			  "\"uniqueness\":\"tenant\"},"
			  "{\"name\":\"HOLDER_NAME\",\"type\":\"STRING\",\"maxLength\":128,"
			  "\"source\":\"displayName\"},"
			  "{\"name\":\"LOGIN\",\"type\":\"STRING\",\"source\":\"userName\"},"
			  "{\"name\":\"SLOT\",\"type\":\"INT\",\"uniqueness\":\"owner\","
			  "\"description\":\"The badge's slot among its holder's badges.\"}]}",
};

int
credential_type_seed_demo(struct scim *s, struct store_txn *txn,
    struct str tenant, struct scim_err *err)
{
	struct arena *a = NULL;
	struct json_value *body;
	size_t i;
	int rc = 0;

	if (schema_rtype_find(
		scim_registry(s), STR_LIT(CREDENTIAL_TYPE_RTYPE)) == NULL)
		goto out;
	a = arena_new();
	for (i = 0; i < sizeof(demo_types) / sizeof(demo_types[0]); i++) {
		rc = json_parse(a, demo_types[i], strlen(demo_types[i]),
		    &json_limits_default, &body, err);
		if (rc == 0)
			rc = op_create_in(s, txn, tenant,
			    STR_LIT(CREDENTIAL_TYPE_RTYPE), a, body, NULL, err);
		if (rc != 0)
			goto out;
	}
out:
	arena_free(a);
	return rc;
}
