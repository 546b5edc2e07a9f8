/*
 * libFuzzer harness for the filter language: every input is parsed as a
 * filter; what parses is bound against the fixture Credential and User
 * schemas (tests/unit/filter/schema_fixture.c) and evaluated against a
 * few fixed resources. Invariants checked on the way (abort on breach):
 * failures are invalidFilter with a printable detail, a successful parse
 * leaves a tree within the documented bounds, binding marks the root,
 * and "not" of a bound filter is its exact complement.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "filter/filter.h"
#include "json/json.h"
#include "../unit/filter/schema_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const resources[] = {
    "{\"id\":\"11385\",\"externalId\":\"jdoeCT_ACODE\","
    "\"meta\":{\"created\":\"2017-11-21T13:58:40Z\",\"version\":\"1\"},"
    "\"type\":\"CT_ACODE\",\"status\":{\"status\":\"ACTIVE\","
    "\"active\":true,\"expiryDate\":\"2018-11-21T14:14:59Z\","
    "\"startDate\":\"2017-11-21T13:58:40+02:00\"},"
    "\"attributes\":[{\"name\":\"MY_ATTR0\",\"value\":\"value0\","
    "\"readOnly\":false},{\"name\":\"MY_ATTR1\",\"value\":\"value1\"}],"
    "\"owner\":{\"value\":\"jdoe\",\"$ref\":\"https://e.example/u/1\"},"
    "\"usageCount\":5,\"score\":2.5,\"certificate\":\"QUJD\","
    "\"tags\":[\"a\",\"B\"],\"keys\":[{\"value\":\"AA\",\"labels\":[\"x\"]}]}",
    "{\"id\":\"u1\",\"userName\":\"bjensen@example.com\","
    "\"name\":{\"givenName\":\"Barbara\"},\"emails\":[{\"value\":"
    "\"b@example.com\",\"type\":\"work\",\"primary\":true},{\"value\":"
    "\"babs@example.org\"}],\"active\":false,"
    "\"loginCount\":9007199254740993,\"weight\":61.5,"
    "\"lastLogin\":\"2020-01-01T00:00:00.5+05:30\","
    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":"
    "{\"employeeNumber\":\"7\",\"manager\":{\"value\":\"m\"}}}",
    "{\"userName\":null,\"emails\":[],\"name\":{},\"usageCount\":\"5\","
    "\"status\":[1,{\"status\":\"x\"}],\"meta\":{\"created\":\"bad\"},"
    "\"attributes\":{\"name\":\"MY_ATTR0\"},\"tags\":[[\"a\"],null]}",
    "[]",
};

#define NRES (sizeof(resources) / sizeof(resources[0]))

static struct arena *fixed;
static struct json_value *res[NRES];

static void
check_detail(const struct scim_err *err, int rc)
{
	const char *d = err->detail;

	if (rc != SCIM_E_INVALID_FILTER || err->code != rc || d[0] == '\0') {
		fprintf(stderr, "fuzz_filter: bad failure %d\n", rc);
		abort();
	}
	for (; *d != '\0'; d++) {
		if ((unsigned char)*d < 0x20 || (unsigned char)*d >= 0x7f) {
			fprintf(stderr, "fuzz_filter: unprintable detail\n");
			abort();
		}
	}
}

/* Terms and depth of a parsed tree, which the parser promises to bound. */
static void
measure(const struct filter_node *n, unsigned depth, unsigned *terms,
    unsigned *maxdepth)
{
	if (n == NULL)
		return;
	if (depth > *maxdepth)
		*maxdepth = depth;
	switch (n->op) {
	case FILTER_AND:
	case FILTER_OR:
		measure(n->left, depth, terms, maxdepth);
		measure(n->right, depth, terms, maxdepth);
		break;
	case FILTER_NOT:
	case FILTER_VALUEPATH:
		measure(n->left, depth + 1, terms, maxdepth);
		break;
	default:
		(*terms)++;
		if (n->op != FILTER_PR && n->value == NULL)
			abort();
		break;
	}
}

static void
evaluate(
    struct arena *a, struct filter_node *root, const struct fixture_rtype *rt)
{
	struct filter_node *neg;
	struct scim_err err;
	size_t i;
	int rc;

	scim_err_clear(&err);
	rc = filter_bind(root, fixture_resolve, (void *)rt, &err);
	if (rc != 0) {
		check_detail(&err, rc);
		return;
	}
	if (!root->bound)
		abort();
	neg = arena_alloc(a, sizeof(*neg));
	neg->op = FILTER_NOT;
	neg->left = root;
	neg->bound = 1;
	for (i = 0; i < NRES; i++) {
		int m = filter_match(root, res[i]);
		if ((m != 0 && m != 1) || filter_match(neg, res[i]) != !m) {
			fprintf(stderr, "fuzz_filter: not is no complement\n");
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct filter_node *root = NULL;
	struct scim_err err;
	unsigned terms = 0, depth = 0;
	size_t i;
	int rc;

	if (fixed == NULL) {
		fixed = arena_new();
		for (i = 0; i < NRES; i++)
			res[i] = fixture_json(fixed, resources[i]);
	}
	a = arena_new();
	scim_err_clear(&err);
	rc = filter_parse(a, str_make((const char *)data, size), &root, &err);
	if (rc != 0) {
		check_detail(&err, rc);
		goto out;
	}
	measure(root, 0, &terms, &depth);
	if (terms > FILTER_MAX_TERMS || depth > FILTER_MAX_DEPTH) {
		fprintf(stderr, "fuzz_filter: bounds exceeded\n");
		abort();
	}
	/* binding rewrites complex paths in place, so bind each schema on a
	 * fresh parse */
	evaluate(a, root, &fixture_credential);
	if (filter_parse(a, str_make((const char *)data, size), &root, &err) !=
	    0)
		abort();
	evaluate(a, root, &fixture_user);
out:
	arena_free(a);
	return 0;
}
