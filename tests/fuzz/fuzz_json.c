/*
 * libFuzzer harness for the JSON reader and writer. Whatever json_parse
 * accepts must survive a write and a re-parse unchanged (json_equal), so
 * the writer never emits something the reader refuses or reads back
 * differently. Any mismatch aborts, which libFuzzer reports as a crash.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct json_value *v = NULL, *again = NULL;
	struct scim_err err;
	struct buf out;

	buf_init(&out);
	if (json_parse(a, (const char *)data, size, &json_limits_default, &v,
		&err) != 0)
		goto out;
	if (json_write(v, &out) != 0) {
		fprintf(stderr, "fuzz_json: writer refused a parsed tree\n");
		abort();
	}
	if (json_parse(a, out.data, out.len, &json_limits_default, &again,
		&err) != 0) {
		fprintf(stderr, "fuzz_json: output does not re-parse: %s\n",
		    err.detail);
		abort();
	}
	if (!json_equal(v, again)) {
		fprintf(stderr, "fuzz_json: round trip changed the value\n");
		abort();
	}
out:
	buf_free(&out);
	arena_free(a);
	return 0;
}
