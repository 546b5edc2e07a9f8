/* Helpers for the directory integration tests; see dir_http.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dir_http.h"

void
dir_req(const char *method, const char *path, const char *body,
    struct harness_resp *r)
{
	char full[1024];
	struct harness_req rq = {.method = method,
	    .path = full,
	    .token = harness_fx.admin_token,
	    .body = body};

	snprintf(full, sizeof(full), DIR_BASE "%s", path);
	harness_send(&harness_fx, &rq, r);
}

void
dir_create(const char *endpoint, const char *body, char *id)
{
	struct harness_resp r;
	const char *got;

	dir_req("POST", endpoint, body, &r);
	EXPECT_STATUS(&r, 201);
	got = harness_jstr(harness_json(&r), "id");
	cr_assert(got != NULL && strlen(got) < 128, "no usable id");
	strcpy(id, got);
	harness_resp_free(&r);
}

void
dir_user(const char *user_name, char *id)
{
	dir_create("/Users",
	    dir_fmt("{\"schemas\":[\"" DIR_USER_URN "\"],\"userName\":\"%s\"}",
		user_name),
	    id);
}

const char *
dir_fmt(const char *fmt, ...)
{
	static char bufs[8][4096];
	static int next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

const struct json_value *
dir_elem(const struct json_value *v, const char *path, const char *key,
    const char *val)
{
	const struct json_value *arr = harness_jpath(v, path);
	size_t i;

	for (i = 0;
	     arr != NULL && arr->type == JSON_ARRAY && i < arr->u.array.len;
	     i++) {
		const char *s = harness_jstr(arr->u.array.items[i], key);

		if (s != NULL && strcmp(s, val) == 0)
			return arr->u.array.items[i];
	}
	return NULL;
}
