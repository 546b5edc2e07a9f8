/*
 * Entity-tag formatting and the If-Match / If-None-Match checks; see
 * etag.h. The list grammar is RFC 7232 §3.1 (1#entity-tag, with empty
 * list elements tolerated as RFC 7230 §7 asks) and comparison is weak:
 * two tags match when their opaque-tags are equal, whatever their W/.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "scim/etag.h"
#include "util/num.h"

size_t
etag_format(uint64_t version, char out[ETAG_MAX])
{
	int n = snprintf(out, ETAG_MAX, "W/\"%" PRIu64 "\"", version);

	return n > 0 ? (size_t)n : 0;
}

int
etag_parse(struct str tag, uint64_t *version)
{
	int64_t v;
	int rc = -1;

	if (tag.len < 5 || !str_has_prefix(tag, STR_LIT("W/\"")) ||
	    tag.ptr[tag.len - 1] != '"')
		goto out;
	if (tag.ptr[3] == '-' ||
	    num_parse_i64(str_make(tag.ptr + 3, tag.len - 4), &v) != 0 || v < 1)
		goto out;
	*version = (uint64_t)v;
	rc = 0;
out:
	return rc;
}

/* etagc = %x21 / %x23-7E / obs-text (RFC 7232 §2.3) */
static int
is_etagc(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80;
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* The opaque-tag ("..." with quotes) of a well-formed tag. */
static struct str
opaque(struct str tag)
{
	if (str_has_prefix(tag, STR_LIT("W/")))
		tag = str_make(tag.ptr + 2, tag.len - 2);
	return tag;
}

/*
 * Scans one entity-tag at *pos; on success sets *tag and moves *pos past
 * it. Returns -1 on a syntax error.
 */
static int
scan_tag(struct str h, size_t *pos, struct str *tag)
{
	size_t i = *pos, start = *pos;
	int rc = -1;

	if (i + 1 < h.len && h.ptr[i] == 'W' && h.ptr[i + 1] == '/')
		i += 2;
	if (i >= h.len || h.ptr[i] != '"')
		goto out;
	for (i++; i < h.len && is_etagc((unsigned char)h.ptr[i]); i++)
		;
	if (i >= h.len || h.ptr[i] != '"')
		goto out;
	i++;
	*tag = str_make(h.ptr + start, i - start);
	*pos = i;
	rc = 0;
out:
	return rc;
}

/*
 * 1 if the list in h matches current, 0 if not, -1 if h is malformed.
 * An empty or all-blank list is malformed: the header was sent, so the
 * client meant a condition.
 */
static int
list_matches(struct str h, struct str current)
{
	struct str tag, want = opaque(current);
	size_t i = 0;
	int seen = 0, match = 0;

	while (h.len > 0 && is_ows(h.ptr[h.len - 1]))
		h.len--;
	while (i < h.len && is_ows(h.ptr[i]))
		i++;
	if (h.len - i == 1 && h.ptr[i] == '*') {
		match = 1;
		goto out;
	}
	while (i < h.len) {
		if (h.ptr[i] == ',' || is_ows(h.ptr[i])) {
			i++;
			continue;
		}
		if (scan_tag(h, &i, &tag) != 0) {
			seen = 0;
			break;
		}
		seen = 1;
		match |= str_eq(opaque(tag), want);
		while (i < h.len && is_ows(h.ptr[i]))
			i++;
		if (i < h.len && h.ptr[i] != ',') {
			seen = 0;
			break;
		}
	}
	if (!seen)
		match = -1;
out:
	return match;
}

int
etag_if_match(struct str header, struct str current, struct scim_err *err)
{
	int rc = 0, m;

	if (header.ptr == NULL)
		goto out;
	m = list_matches(header, current);
	if (m < 0)
		rc = scim_err_set(err, SCIM_E_BAD_REQUEST,
		    "If-Match must be \"*\" or a list of entity-tags such "
		    "as W/\"3\"");
	else if (m == 0)
		rc = scim_err_set(err, SCIM_E_PRECONDITION,
		    "If-Match does not match the current version %.*s; read "
		    "the resource again and retry",
		    STR_FMT(current));
out:
	return rc;
}

int
etag_if_none_match_write(
    struct str header, struct str current, struct scim_err *err)
{
	int rc = 0, m;

	if (header.ptr == NULL)
		goto out;
	m = list_matches(header, current);
	if (m < 0)
		rc = scim_err_set(err, SCIM_E_BAD_REQUEST,
		    "If-None-Match must be \"*\" or a list of entity-tags "
		    "such as W/\"3\"");
	else if (m == 1)
		rc = scim_err_set(err, SCIM_E_PRECONDITION,
		    "If-None-Match matches the current version %.*s",
		    STR_FMT(current));
out:
	return rc;
}

int
etag_if_none_match(struct str header, struct str current)
{
	return header.len > 0 && list_matches(header, current) == 1;
}
