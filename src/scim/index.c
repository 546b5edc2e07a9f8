/*
 * The index declaration (scim-schemas/indexes.json) and the indexer the
 * store calls on every record write; see index.h for the key layout.
 * Extraction mirrors filter_match.c value for value (top_value,
 * any_value, any_item, has_value), so that every record the evaluator
 * would match holds the entry a probe looks for.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scim/index.h"
#include "scim/record.h"
#include "util/date.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/xmalloc.h"

#define INDEX_FILE_MAX (256 * 1024)
/* Bumped whenever the encoding changes: stores are then rebuilt. */
#define INDEX_ENCODING "scimcred-index-2"

struct index_type {
	struct str name;
	const struct schema_rtype *rt;
	struct index_def *defs;
	size_t ndefs;
};

struct index_set {
	struct arena *a;
	struct index_type *types;
	size_t ntypes;
	struct store_indexer ix;
	char version[2 * SECURE_SHA256_LEN + 1];
};

/* Attributes the type computes on output (record.h): never stored. */
static const struct {
	const char *type; /* NULL: any */
	const char *attr;
	const char *sub; /* NULL: the whole attribute */
} computed[] = {
    {NULL, "meta", "location"},
    {"Credential", "status", "active"},
    {"User", "groups", NULL},
    {"Group", "members", NULL},
};

/* ------------------------------------------------------- encoding */

static void
put_u64(struct buf *b, uint64_t u)
{
	unsigned char o[8];
	int i;

	for (i = 7; i >= 0; i--, u >>= 8)
		o[i] = (unsigned char)(u & 0xff);
	buf_append(b, o, sizeof(o));
}

/* IEEE 754 bits made to sort like the numbers: flip the sign bit of a
 * positive, every bit of a negative. -0 is 0, so they compare equal. */
static void
put_double(struct buf *b, double d)
{
	uint64_t u;

	if (d == 0)
		d = 0;
	memcpy(&u, &d, sizeof(u));
	u = (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
	put_u64(b, u);
}

static void
put_string(struct buf *b, struct str s, int fold, int prefix)
{
	size_t i;
	char c;

	buf_reserve(b, s.len + 1);
	for (i = 0; i < s.len; i++) {
		c = s.ptr[i];
		if (fold && c >= 'A' && c <= 'Z')
			c = (char)(c + ('a' - 'A'));
		buf_putc(b, c);
	}
	if (!prefix)
		buf_putc(b, '\0');
}

static int
string_type(enum filter_type t)
{
	return t == FILTER_T_STRING || t == FILTER_T_REFERENCE ||
	    t == FILTER_T_BINARY;
}

/* Appends stored value v as an attribute with info, or returns -1 and
 * appends nothing when no filter could compare it (test_value). */
static int
put_value(struct buf *b, const struct filter_attrinfo *info,
    const struct json_value *v)
{
	int64_t ms;

	if (v == NULL)
		return -1;
	if (string_type(info->type) && v->type == JSON_STRING) {
		put_string(b, v->u.string,
		    !info->case_exact && info->type != FILTER_T_BINARY, 0);
		return 0;
	}
	switch (info->type) {
	case FILTER_T_BOOLEAN:
		if (v->type != JSON_BOOL)
			return -1;
		buf_putc(b, v->u.boolean ? 1 : 0);
		return 0;
	case FILTER_T_INTEGER:
	case FILTER_T_DECIMAL:
		if (v->type == JSON_INT)
			put_double(b, (double)v->u.integer);
		else if (v->type == JSON_DOUBLE && v->u.number == v->u.number)
			put_double(b, v->u.number);
		else
			return -1;
		return 0;
	case FILTER_T_DATETIME:
		if (v->type != JSON_STRING || date_parse(v->u.string, &ms) != 0)
			return -1;
		put_u64(b, (uint64_t)ms ^ ((uint64_t)1 << 63));
		return 0;
	default:
		return -1;
	}
}

void
index_put_head(struct buf *b, const struct index_def *d, int tag)
{
	buf_append_str(b, d->name);
	buf_putc(b, '\0');
	buf_putc(b, (char)tag);
}

int
index_put_literal(struct buf *b, const struct filter_attrinfo *info,
    const struct filter_node *n, int prefix)
{
	const struct json_value *lit = n->value;

	if (lit == NULL)
		return -1;
	if (info->type == FILTER_T_DATETIME) {
		if (lit->type != JSON_STRING)
			return -1;
		put_u64(b, (uint64_t)n->value_ms ^ ((uint64_t)1 << 63));
		return 0;
	}
	if (string_type(info->type) && lit->type == JSON_STRING) {
		put_string(b, lit->u.string,
		    !info->case_exact && info->type != FILTER_T_BINARY, prefix);
		return 0;
	}
	return put_value(b, info, lit);
}

/* ----------------------------------------------------- extraction */

/* filter_match.c's has_value: what `pr` calls present. */
static int
has_value(const struct json_value *v)
{
	size_t i;

	if (v == NULL || v->type == JSON_NULL)
		return 0;
	if (v->type == JSON_STRING)
		return v->u.string.len > 0;
	if (v->type == JSON_ARRAY) {
		for (i = 0; i < v->u.array.len; i++)
			if (has_value(v->u.array.items[i]))
				return 1;
		return 0;
	}
	if (v->type == JSON_OBJECT) {
		for (i = 0; i < v->u.object.len; i++)
			if (has_value(v->u.object.members[i].value))
				return 1;
		return 0;
	}
	return 1;
}

struct extract {
	const struct index_def *d;
	struct buf b;
	void (*emit)(void *ectx, struct str ikey);
	void *ectx;
	int present;
};

static const struct json_value *
top_value(const struct index_def *d, const struct json_value *res)
{
	if (d->info.ext_urn.len > 0)
		res = json_object_get(res, d->info.ext_urn);
	return json_object_get(res, d->path.attr);
}

static void
one_item(struct extract *x, const struct json_value *v)
{
	x->present |= has_value(v);
	buf_reset(&x->b);
	index_put_head(&x->b, x->d, INDEX_TAG_VALUE);
	if (put_value(&x->b, &x->d->info, v) == 0)
		x->emit(x->ectx, buf_view(&x->b));
}

/* any_item: the value itself, or each item of an array. */
static void
items(struct extract *x, const struct json_value *v)
{
	size_t i;

	if (v == NULL || v->type != JSON_ARRAY) {
		one_item(x, v);
		return;
	}
	for (i = 0; i < v->u.array.len; i++)
		one_item(x, v->u.array.items[i]);
}

/* any_value on the whole resource. */
static void
plain_keys(struct extract *x, const struct json_value *res)
{
	const struct json_value *top = top_value(x->d, res);
	struct str sub = x->d->path.sub;
	size_t i;

	if (sub.len == 0 || top == NULL)
		items(x, top);
	else if (top->type != JSON_ARRAY)
		items(x, json_object_get(top, sub));
	else
		for (i = 0; i < top->u.array.len; i++)
			items(x, json_object_get(top->u.array.items[i], sub));
	if (x->present) {
		buf_reset(&x->b);
		index_put_head(&x->b, x->d, INDEX_TAG_PRESENT);
		x->emit(x->ectx, buf_view(&x->b));
	}
}

/* One element of a value path (eval_valuepath): its components. */
static void
element_key(struct extract *x, const struct json_value *e)
{
	const struct index_def *d = x->d;
	const struct json_value *v;
	size_t i, mark;

	buf_reset(&x->b);
	index_put_head(&x->b, d, INDEX_TAG_VALUE);
	for (i = 0; i < d->ncomps; i++) {
		v = json_object_get(e, d->comps[i].sub);
		if (v != NULL && v->type == JSON_ARRAY) {
			/* any_item would look inside: say so and let every
			 * probe of this index visit the element's resource */
			buf_reset(&x->b);
			index_put_head(&x->b, d, INDEX_TAG_UNSURE);
			break;
		}
		mark = x->b.len;
		buf_putc(&x->b, INDEX_TAG_VALUE);
		if (put_value(&x->b, &d->comps[i].info, v) != 0) {
			x->b.len = mark;
			buf_putc(&x->b, INDEX_TAG_MISSING);
		}
	}
	x->emit(x->ectx, buf_view(&x->b));
}

static void
valuepath_keys(struct extract *x, const struct json_value *res)
{
	const struct json_value *top = top_value(x->d, res);
	size_t i;

	if (top != NULL && top->type == JSON_OBJECT)
		element_key(x, top);
	for (i = 0;
	     top != NULL && top->type == JSON_ARRAY && i < top->u.array.len;
	     i++)
		if (top->u.array.items[i]->type == JSON_OBJECT)
			element_key(x, top->u.array.items[i]);
}

static const struct index_type *
type_find(const struct index_set *set, struct str name)
{
	size_t i;

	for (i = 0; set != NULL && i < set->ntypes; i++)
		if (str_eq(set->types[i].name, name))
			return &set->types[i];
	return NULL;
}

static int
ix_covers(void *arg, struct str type)
{
	const struct index_type *t = type_find(arg, type);

	return t != NULL && t->ndefs > 0;
}

static int
ix_keys(void *arg, struct str type, struct str rec,
    void (*emit)(void *ectx, struct str ikey), void *ectx)
{
	const struct index_type *t = type_find(arg, type);
	struct extract x = {.emit = emit, .ectx = ectx};
	struct arena *a;
	struct json_value *res;
	struct scim_err err;
	size_t i;

	if (t == NULL)
		return 0;
	a = arena_new();
	buf_init(&x.b);
	scim_err_clear(&err);
	if (record_decode(a, rec, &res, &err) != 0) {
		/* the evaluator cannot read it either: no entries */
		log_warn("a %.*s record could not be indexed: %s",
		    STR_FMT(type), err.detail);
		goto out;
	}
	for (i = 0; i < t->ndefs; i++) {
		x.d = &t->defs[i];
		x.present = 0;
		if (x.d->ncomps == 0)
			plain_keys(&x, res);
		else
			valuepath_keys(&x, res);
	}
out:
	buf_free(&x.b);
	arena_free(a);
	return 0;
}

/* ------------------------------------------------------ declaration */

static int
is_computed(const struct schema_rtype *rt, const struct filter_attrpath *p)
{
	size_t i;

	if (str_caseeq_cstr(p->sub, "$ref"))
		return 1;
	for (i = 0; i < sizeof(computed) / sizeof(computed[0]); i++)
		if ((computed[i].type == NULL ||
			strcmp(computed[i].type, rt->name) == 0) &&
		    str_caseeq_cstr(p->attr, computed[i].attr) &&
		    (computed[i].sub == NULL ||
			str_caseeq_cstr(p->sub, computed[i].sub)))
			return 1;
	return 0;
}

/* Binds text as an attribute path of rt, as filter_bind would. */
static int
bind_path(struct arena *a, const struct schema_rtype *rt, struct str text,
    struct filter_attrpath *path, struct filter_attrinfo *info)
{
	struct filter_node *n = NULL;
	struct scim_err ignored;

	if (filter_parse(a, str_from(arena_printf(a, "%.*s pr", STR_FMT(text))),
		&n, &ignored) != 0 ||
	    n->op != FILTER_PR ||
	    filter_bind(n, schema_filter_resolve, (void *)rt, &ignored) != 0)
		return -1;
	*path = n->path;
	*info = n->info;
	return 0;
}

static int
bad(struct scim_err *err, const struct schema_rtype *rt, struct str text,
    const char *why)
{
	return scim_err_set(err, SCIM_E_INVALID_VALUE,
	    "%s: %s index \"%.*s\": %s", INDEX_FILE, rt->name, STR_FMT(text),
	    why);
}

/* "attr[c1,c2]": the components of a value-path index. */
static int
def_comps(struct arena *a, const struct schema_rtype *rt, struct str text,
    const char *open, struct index_def *d, struct scim_err *err)
{
	struct str attr = str_make(text.ptr, (size_t)(open - text.ptr)), c;
	const char *p = open + 1, *end = text.ptr + text.len - 1, *q;
	struct filter_attrpath cp;

	if (*end != ']' || bind_path(a, rt, attr, &d->path, &d->info) != 0 ||
	    d->info.type != FILTER_T_COMPLEX || d->path.sub.len > 0)
		return bad(err, rt, text, "not a complex attribute");
	while (p < end) {
		q = memchr(p, ',', (size_t)(end - p));
		c = str_make(p, (size_t)((q != NULL ? q : end) - p));
		p = q != NULL ? q + 1 : end;
		if (d->ncomps == INDEX_MAX_COMPS)
			return bad(err, rt, text, "too many components");
		if (bind_path(a, rt,
			str_from(arena_printf(
			    a, "%.*s.%.*s", STR_FMT(attr), STR_FMT(c))),
			&cp, &d->comps[d->ncomps].info) != 0 ||
		    cp.sub.len == 0 ||
		    d->comps[d->ncomps].info.type == FILTER_T_COMPLEX ||
		    d->comps[d->ncomps].info.sub_multi || is_computed(rt, &cp))
			return bad(err, rt, text,
			    "components must be single-valued sub-attributes");
		d->comps[d->ncomps++].sub = cp.sub;
	}
	return d->ncomps > 0 ? 0 : bad(err, rt, text, "no components");
}

static int
def_parse(struct arena *a, const struct schema_rtype *rt, struct str text,
    struct index_def *d, struct scim_err *err)
{
	const char *open;

	memset(d, 0, sizeof(*d));
	d->name = text;
	if (text.len == 0 || text.len > INDEX_NAME_MAX)
		return bad(err, rt, text, "bad length");
	open = memchr(text.ptr, '[', text.len);
	if (open != NULL) {
		if (def_comps(a, rt, text, open, d, err) != 0)
			return SCIM_E_INVALID_VALUE;
	} else if (bind_path(a, rt, text, &d->path, &d->info) != 0 ||
	    d->info.type == FILTER_T_COMPLEX) {
		return bad(err, rt, text, "not a simple attribute");
	}
	if (is_computed(rt, &d->path))
		return bad(err, rt, text, "a computed attribute");
	return 0;
}

static int
type_load(struct index_set *set, const struct schema_registry *reg,
    const struct json_member *m, struct scim_err *err)
{
	const struct schema_rtype *rt = schema_rtype_find(reg, m->key);
	const struct json_value *v = m->value;
	struct index_type *t;
	size_t i;
	int rc = 0;

	if (rt == NULL) {
		log_warn("%s: no resource type \"%.*s\"; its indexes are "
			 "skipped",
		    INDEX_FILE, STR_FMT(m->key));
		return 0;
	}
	if (v->type != JSON_ARRAY)
		return scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: %s: must be an array of attribute paths", INDEX_FILE,
		    rt->name);
	t = &set->types[set->ntypes++];
	t->rt = rt;
	t->name = str_from(rt->name);
	t->defs =
	    arena_allocarray(set->a, v->u.array.len + 1, sizeof(*t->defs));
	for (i = 0; rc == 0 && i < v->u.array.len; i++) {
		if (v->u.array.items[i]->type != JSON_STRING)
			rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
			    "%s: %s: must be an array of attribute paths",
			    INDEX_FILE, rt->name);
		else
			rc =
			    def_parse(set->a, rt, v->u.array.items[i]->u.string,
				&t->defs[t->ndefs++], err);
	}
	return rc;
}

/* The version: a hash of what decides the entries. */
static void
version_make(struct index_set *set)
{
	unsigned char h[SECURE_SHA256_LEN];
	const struct index_def *d;
	struct buf b;
	size_t i, j, k;

	buf_init(&b);
	buf_append_cstr(&b, INDEX_ENCODING);
	for (i = 0; i < set->ntypes; i++) {
		buf_printf(&b, "\n%s:", set->types[i].rt->name);
		for (j = 0; j < set->types[i].ndefs; j++) {
			d = &set->types[i].defs[j];
			buf_printf(&b, " %.*s/%d/%d", STR_FMT(d->name),
			    (int)d->info.type, d->info.case_exact);
			for (k = 0; k < d->ncomps; k++)
				buf_printf(&b, "/%d/%d",
				    (int)d->comps[k].info.type,
				    d->comps[k].info.case_exact);
		}
	}
	secure_sha256(b.data, b.len, h);
	secure_hex(h, sizeof(h), set->version);
	buf_free(&b);
}

static int
file_read(struct arena *a, const char *path, struct json_value **out,
    struct scim_err *err)
{
	struct scim_err jerr;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t got;
	int rc = 0;

	*out = NULL;
	if (f == NULL) {
		if (errno != ENOENT)
			rc = scim_err_set(err, SCIM_E_INTERNAL, "%s: %s", path,
			    strerror(errno));
		goto out;
	}
	buf = xmalloc(INDEX_FILE_MAX + 1);
	got = fread(buf, 1, INDEX_FILE_MAX + 1, f);
	if (ferror(f) || got > INDEX_FILE_MAX) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: unreadable, or larger than %d bytes", path,
		    INDEX_FILE_MAX);
		goto out;
	}
	if (json_parse(a, buf, got, &json_limits_default, out, &jerr) != 0 ||
	    (*out)->type != JSON_OBJECT)
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: not a JSON object: %s", path, jerr.detail);
out:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

int
index_set_load(const struct schema_registry *reg, const char *dir,
    struct index_set **out, struct scim_err *err)
{
	struct index_set *set = xcalloc(1, sizeof(*set));
	const struct json_value *doc = NULL, *decl;
	size_t i;
	int rc;

	*out = NULL;
	set->a = arena_new();
	rc = file_read(set->a, arena_printf(set->a, "%s/%s", dir, INDEX_FILE),
	    (struct json_value **)&doc, err);
	if (rc != 0)
		goto out;
	decl = json_object_get_cstr(doc, "indexes");
	if (doc != NULL && (decl == NULL || decl->type != JSON_OBJECT)) {
		rc = scim_err_set(err, SCIM_E_INVALID_VALUE,
		    "%s: \"indexes\" must be an object of resource types",
		    INDEX_FILE);
		goto out;
	}
	if (decl != NULL)
		set->types = arena_allocarray(
		    set->a, decl->u.object.len + 1, sizeof(*set->types));
	for (i = 0; decl != NULL && rc == 0 && i < decl->u.object.len; i++)
		rc = type_load(set, reg, &decl->u.object.members[i], err);
	if (rc != 0)
		goto out;
	version_make(set);
	set->ix = (struct store_indexer){.covers = ix_covers,
	    .keys = ix_keys,
	    .arg = set,
	    .version = str_from(set->version)};
	*out = set;
	set = NULL;
out:
	index_set_free(set);
	return rc;
}

void
index_set_free(struct index_set *set)
{
	if (set == NULL)
		return;
	arena_free(set->a);
	free(set);
}

const struct store_indexer *
index_set_indexer(const struct index_set *set)
{
	return &set->ix;
}

size_t
index_count(const struct index_set *set, const struct schema_rtype *rt)
{
	const struct index_type *t =
	    set != NULL ? type_find(set, str_from(rt->name)) : NULL;

	return t != NULL ? t->ndefs : 0;
}

static int
same_attr(const struct index_def *d, const struct filter_node *n)
{
	return str_caseeq(d->info.ext_urn, n->info.ext_urn) &&
	    str_caseeq(d->path.attr, n->path.attr);
}

const struct index_def *
index_find(const struct index_set *set, const struct schema_rtype *rt,
    const struct filter_node *n)
{
	const struct index_type *t =
	    set != NULL ? type_find(set, str_from(rt->name)) : NULL;
	size_t i;

	for (i = 0; t != NULL && n->bound && i < t->ndefs; i++)
		if (t->defs[i].ncomps == 0 && same_attr(&t->defs[i], n) &&
		    str_caseeq(t->defs[i].path.sub, n->path.sub))
			return &t->defs[i];
	return NULL;
}

const struct index_def *
index_find_valuepath(const struct index_set *set, const struct schema_rtype *rt,
    const struct filter_node *vp)
{
	const struct index_type *t =
	    set != NULL ? type_find(set, str_from(rt->name)) : NULL;
	size_t i;

	for (i = 0; t != NULL && i < t->ndefs; i++)
		if (t->defs[i].ncomps > 0 && same_attr(&t->defs[i], vp))
			return &t->defs[i];
	return NULL;
}
