/*
 * The SCIM context (store, schema registry, configuration), response
 * helpers and the RFC 7644 §3.12 error body; see scim.h.
 */
#include "config.h"

#include <stdlib.h>

#include "scim/index.h"
#include "scim/resource.h"
#include "scim/scim.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/xmalloc.h"

#define DEFAULT_COUNT 100
#define DEFAULT_MAX_COUNT 1000

struct scim {
	struct store *store; /* borrowed */
	struct schema_registry *reg;
	struct scim_config cfg;
	char *schemas_dir;
	/* Secondary indexes (index.h), attached to the store while the
	 * context lives; NULL without a store. */
	struct index_set *idx;
};

int
scim_new(struct store *st, const struct scim_config *cfg, struct scim **out,
    struct scim_err *err)
{
	struct scim *s = xcalloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	s->store = st;
	s->cfg = *cfg;
	s->schemas_dir = xstrdup(
	    cfg->schemas_dir != NULL ? cfg->schemas_dir : SCIMCRED_SCHEMAS_DIR);
	s->cfg.schemas_dir = s->schemas_dir;
	/* Zero means "not configured": use the documented defaults. */
	if (s->cfg.max_count == 0)
		s->cfg.max_count = DEFAULT_MAX_COUNT;
	if (s->cfg.default_count == 0)
		s->cfg.default_count = DEFAULT_COUNT;
	if (s->cfg.default_count > s->cfg.max_count)
		s->cfg.default_count = s->cfg.max_count;
	if (!s->cfg.has_cursor_key) {
		secure_random(s->cfg.cursor_key, sizeof(s->cfg.cursor_key));
		s->cfg.has_cursor_key = 1;
	}
	rc = schema_registry_load(s->schemas_dir, &s->reg, err);
	if (rc != 0)
		goto out;
	resource_check(s->reg);
	if (st != NULL &&
	    ((rc = index_set_load(s->reg, s->schemas_dir, &s->idx, err)) != 0 ||
		(!cfg->indexes_detached &&
		    (rc = store_index_attach(
			 st, index_set_indexer(s->idx), err)) != 0)))
		goto out;
	*out = s;
	s = NULL;
out:
	scim_free(s);
	return rc;
}

void
scim_free(struct scim *s)
{
	if (s == NULL)
		return;
	if (s->idx != NULL && s->store != NULL && !s->cfg.indexes_detached)
		store_index_detach(s->store);
	index_set_free(s->idx);
	schema_registry_free(s->reg);
	free(s->schemas_dir);
	secure_wipe(s->cfg.cursor_key, sizeof(s->cfg.cursor_key));
	free(s);
}

const struct schema_registry *
scim_registry(const struct scim *s)
{
	return s->reg;
}

const struct index_set *
scim_indexes(const struct scim *s)
{
	return s != NULL ? s->idx : NULL;
}

struct store *
scim_store(const struct scim *s)
{
	return s->store;
}

const struct scim_config *
scim_config(const struct scim *s)
{
	return &s->cfg;
}

void
scim_resp_json(
    struct scim_response *resp, int status, const struct json_value *v)
{
	buf_reset(&resp->body);
	resp->status = status;
	if (json_write(v, &resp->body) != 0) {
		/* A malformed tree is our bug; answer honestly. */
		log_error("could not serialise a response body");
		buf_reset(&resp->body);
		resp->status = 500;
		scim_error_body(&resp->body, 500, NULL,
		    "the server could not produce a response");
	}
}

struct str
scim_param_get(const struct scim_request *req, const char *name)
{
	struct str v = STR_NULL;
	size_t i;

	for (i = 0; i < req->nparams && v.ptr == NULL; i++)
		if (str_caseeq_cstr(req->params[i].name, name))
			v = req->params[i].value;
	return v;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	size_t len = 0, i;
	unsigned cp = 0;

	if (p[0] < 0x80)
		len = 1;
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	if (len > n)
		len = 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			len = 0;
		else
			cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		len = 0;
	return len;
}

/*
 * A detail quotes client text (names, values); whatever a caller did,
 * only valid UTF-8 without control bytes reaches the JSON writer.
 */
static struct str
clean_text(struct buf *tmp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (k == 0 || p[i] < 0x20 || p[i] == 0x7f) {
			buf_putc(tmp, '?');
			k = k == 0 ? 1 : k;
		} else {
			buf_append(tmp, p + i, k);
		}
		i += k;
	}
	return buf_view(tmp);
}

void
scim_error_body(
    struct buf *out, int status, const char *scim_type, const char *detail)
{
	struct buf tmp;

	buf_init(&tmp);
	buf_printf(out,
	    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],"
	    "\"status\":\"%d\"",
	    status);
	if (scim_type != NULL) {
		buf_append_cstr(out, ",\"scimType\":");
		json_write_string(out, clean_text(&tmp, scim_type));
		buf_reset(&tmp);
	}
	if (detail != NULL) {
		buf_append_cstr(out, ",\"detail\":");
		json_write_string(out, clean_text(&tmp, detail));
	}
	buf_putc(out, '}');
	buf_free(&tmp);
}
