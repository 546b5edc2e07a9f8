/*
 * The C side of the differential filter test (tests/diff/run.js):
 *
 *   filter_dump SCHEMAS_DIR RTYPE RESOURCES.json < filters
 *
 * reads one filter per line and prints one JSON line for each: whether
 * our parser accepts it, its AST in scim2-parse-filter's shape ("op",
 * "attrPath", "compValue", "filters", "filter", "valFilter"; paths inside
 * a value filter relative, as RFC 7644 §3.4.2.2 writes them), whether it
 * binds against RTYPE's schema, and the indexes of the resources in
 * RESOURCES.json (a JSON array) it matches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "json/json.h"
#include "scim/schema.h"
#include "util/buf.h"

static void
put_path(struct buf *b, const struct filter_attrpath *p, int in_vp)
{
	struct buf t;

	buf_init(&t);
	if (in_vp) {
		buf_append_str(&t, p->sub);
	} else {
		if (p->urn.len > 0) {
			buf_append_str(&t, p->urn);
			buf_putc(&t, ':');
		}
		buf_append_str(&t, p->attr);
		if (p->sub.len > 0) {
			buf_putc(&t, '.');
			buf_append_str(&t, p->sub);
		}
	}
	json_write_string(b, buf_view(&t));
	buf_free(&t);
}

static void
put_node(struct buf *b, const struct filter_node *n, int in_vp)
{
	buf_printf(b, "{\"op\":\"%s\"",
	    n->op == FILTER_VALUEPATH ? "[]" : filter_op_name(n->op));
	switch (n->op) {
	case FILTER_AND:
	case FILTER_OR:
		buf_append_cstr(b, ",\"filters\":[");
		put_node(b, n->left, in_vp);
		buf_putc(b, ',');
		put_node(b, n->right, in_vp);
		buf_putc(b, ']');
		break;
	case FILTER_NOT:
		buf_append_cstr(b, ",\"filter\":");
		put_node(b, n->left, in_vp);
		break;
	case FILTER_VALUEPATH:
		buf_append_cstr(b, ",\"attrPath\":");
		put_path(b, &n->path, 0);
		buf_append_cstr(b, ",\"valFilter\":");
		put_node(b, n->left, 1);
		break;
	default:
		buf_append_cstr(b, ",\"attrPath\":");
		put_path(b, &n->path, in_vp);
		if (n->op != FILTER_PR) {
			buf_append_cstr(b, ",\"compValue\":");
			json_write(n->value, b);
		}
		break;
	}
	buf_putc(b, '}');
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "filter_dump: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
dump(struct buf *b, const struct schema_rtype *rt, const struct json_value *res,
    struct str text)
{
	struct arena *a = arena_new();
	struct filter_node *n = NULL;
	struct scim_err err;
	size_t i;
	const char *sep = "";

	if (filter_parse(a, text, &n, &err) != 0) {
		buf_append_cstr(b, "{\"parse\":false}\n");
		goto out;
	}
	buf_append_cstr(b, "{\"parse\":true,\"ast\":");
	put_node(b, n, 0);
	if (filter_bind(n, schema_filter_resolve, (void *)rt, &err) != 0) {
		buf_append_cstr(b, ",\"bind\":false}\n");
		goto out;
	}
	buf_append_cstr(b, ",\"bind\":true,\"match\":[");
	for (i = 0; i < res->u.array.len; i++) {
		if (filter_match(n, res->u.array.items[i])) {
			buf_printf(b, "%s%zu", sep, i);
			sep = ",";
		}
	}
	buf_append_cstr(b, "]}\n");
out:
	arena_free(a);
}

int
main(int argc, char **argv)
{
	struct schema_registry *reg = NULL;
	const struct schema_rtype *rt;
	struct json_limits lim = json_limits_default;
	struct json_value *res = NULL;
	struct arena *a = arena_new();
	struct scim_err err;
	char *text, *line = NULL;
	size_t len, cap = 0;
	ssize_t n;
	struct buf b;

	if (argc != 4) {
		fprintf(stderr,
		    "usage: filter_dump SCHEMAS_DIR RTYPE "
		    "RESOURCES.json < filters\n");
		return 2;
	}
	if (schema_registry_load(argv[1], &reg, &err) != 0 ||
	    (rt = schema_rtype_find(reg, str_from(argv[2]))) == NULL) {
		fprintf(stderr, "filter_dump: %s: %s\n", argv[1], err.detail);
		return 1;
	}
	text = slurp(argv[3], &len);
	if (json_parse(a, text, len, &lim, &res, &err) != 0 ||
	    res->type != JSON_ARRAY) {
		fprintf(stderr, "filter_dump: %s: %s\n", argv[3], err.detail);
		return 1;
	}
	buf_init(&b);
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		buf_reset(&b);
		dump(&b, rt, res, str_make(line, (size_t)n));
		fwrite(b.data, 1, b.len, stdout);
	}
	buf_free(&b);
	free(line);
	free(text);
	arena_free(a);
	schema_registry_free(reg);
	return 0;
}
