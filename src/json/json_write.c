/*
 * Compact JSON writer (RFC 8259). Strings are escaped as §7 requires:
 * quote, backslash and control characters; the short forms \b \f \n \r \t
 * where they exist and \u00XX otherwise. Non-ASCII UTF-8 is copied as is.
 * Each string is measured once and then written straight into the buffer,
 * so there is one reserve per string rather than one append per byte.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/utf8.h"

/* What replaces a byte that is not valid UTF-8 in json_write_string:
 * U+FFFD REPLACEMENT CHARACTER. */
#define REPLACEMENT "\xEF\xBF\xBD"

/* For each ASCII byte: 0 if it is written as is, 'u' for \u00XX, else
 * the letter after the backslash. */
static const char esc[128] = {
    ['\b'] = 'b',
    ['\f'] = 'f',
    ['\n'] = 'n',
    ['\r'] = 'r',
    ['\t'] = 't',
    ['"'] = '"',
    ['\\'] = '\\',
    [0x00] = 'u',
    [0x01] = 'u',
    [0x02] = 'u',
    [0x03] = 'u',
    [0x04] = 'u',
    [0x05] = 'u',
    [0x06] = 'u',
    [0x07] = 'u',
    [0x0B] = 'u',
    [0x0E] = 'u',
    [0x0F] = 'u',
    [0x10] = 'u',
    [0x11] = 'u',
    [0x12] = 'u',
    [0x13] = 'u',
    [0x14] = 'u',
    [0x15] = 'u',
    [0x16] = 'u',
    [0x17] = 'u',
    [0x18] = 'u',
    [0x19] = 'u',
    [0x1A] = 'u',
    [0x1B] = 'u',
    [0x1C] = 'u',
    [0x1D] = 'u',
    [0x1E] = 'u',
    [0x1F] = 'u',
};

/* Bytes s takes once escaped, quotes excluded; *bad counts invalid
 * UTF-8 bytes (each becomes U+FFFD). */
static size_t
escaped_len(const unsigned char *s, size_t len, size_t *bad)
{
	size_t i = 0, n, out = 0;

	*bad = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			out += esc[s[i]] == 0 ? 1 : esc[s[i]] == 'u' ? 6 : 2;
			i++;
		} else if ((n = utf8_seq_len(s + i, len - i)) == 0) {
			out += sizeof(REPLACEMENT) - 1;
			(*bad)++;
			i++;
		} else {
			out += n;
			i += n;
		}
	}
	return out;
}

/* Writes the escaped form of s at d (room already reserved); returns the
 * end. Runs of bytes that need no escape are copied in one go. */
static char *
put_escaped(char *d, const unsigned char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, start, n;

	while (i < len) {
		start = i;
		while (i < len) {
			if (s[i] < 0x80 && esc[s[i]] == 0)
				i++;
			else if (s[i] >= 0x80 &&
			    (n = utf8_seq_len(s + i, len - i)) != 0)
				i += n;
			else
				break;
		}
		memcpy(d, s + start, i - start);
		d += i - start;
		if (i == len)
			break;
		if (s[i] >= 0x80) {
			memcpy(d, REPLACEMENT, sizeof(REPLACEMENT) - 1);
			d += sizeof(REPLACEMENT) - 1;
		} else if (esc[s[i]] == 'u') {
			memcpy(d, "\\u00", 4);
			d[4] = hex[s[i] >> 4];
			d[5] = hex[s[i] & 0xF];
			d += 6;
		} else {
			d[0] = '\\';
			d[1] = esc[s[i]];
			d += 2;
		}
		i++;
	}
	return d;
}

/* Length of the leading run of s that is ASCII needing no escape. */
static size_t
plain_run(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] < 0x80 && esc[s[i]] == 0)
		i++;
	return i;
}

/* Appends s quoted. With strict set, invalid UTF-8 writes nothing and
 * returns SCIM_E_INTERNAL. */
static int
write_string(struct buf *out, struct str s, int strict)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t n, bad;
	char *d;

	if (s.ptr == NULL && s.len > 0)
		return SCIM_E_INTERNAL;
	/* Nearly every string a resource holds (names, ids, dates) needs
	 * no escape: one pass to see so, and one copy (measured: measuring
	 * and then escaping byte by byte was most of json_write). */
	if (plain_run(p, s.len) == s.len) {
		buf_reserve(out, s.len + 2);
		d = out->data + out->len;
		*d++ = '"';
		if (s.len > 0)
			memcpy(d, p, s.len);
		d[s.len] = '"';
		out->len += s.len + 2;
		out->data[out->len] = '\0';
		return 0;
	}
	n = escaped_len(p, s.len, &bad);
	if (strict && bad > 0)
		return SCIM_E_INTERNAL;
	buf_reserve(out, n + 2);
	d = out->data + out->len;
	*d++ = '"';
	d = put_escaped(d, p, s.len);
	*d++ = '"';
	out->len += n + 2;
	out->data[out->len] = '\0';
	return 0;
}

void
json_write_string(struct buf *out, struct str s)
{
	/* Only NULL-with-length fails here; write it as "" rather than
	 * leave the output unbalanced. */
	if (write_string(out, s, 0) != 0)
		buf_append(out, "\"\"", 2);
}

/*
 * The shortest of %.15g..%.17g that reads back as the same double (17
 * always does), so 0.1 stays "0.1". A result that looks like an integer
 * gets ".0" so a reader keeps it a double.
 */
static void
write_double(struct buf *out, double d)
{
	char tmp[40];
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	buf_append_cstr(out, tmp);
	if (strpbrk(tmp, ".eE") == NULL)
		buf_append(out, ".0", 2);
}

/* buf_putc with the common case inline: a resource is mostly
 * punctuation between short strings. */
static inline void
put_char(struct buf *out, char c)
{
	if (out->len + 1 < out->cap) {
		out->data[out->len++] = c;
		out->data[out->len] = '\0';
	} else {
		buf_putc(out, c);
	}
}

static int write_value(const struct json_value *v, struct buf *out);

static int
write_array(const struct json_value *v, struct buf *out)
{
	size_t i;
	int rc = 0;

	if (v->u.array.items == NULL && v->u.array.len > 0)
		return SCIM_E_INTERNAL;
	put_char(out, '[');
	for (i = 0; i < v->u.array.len && rc == 0; i++) {
		if (i > 0)
			put_char(out, ',');
		rc = write_value(v->u.array.items[i], out);
	}
	if (rc == 0)
		put_char(out, ']');
	return rc;
}

static int
write_object(const struct json_value *v, struct buf *out)
{
	const struct json_member *m;
	size_t i;
	int rc = 0;

	if (v->u.object.members == NULL && v->u.object.len > 0)
		return SCIM_E_INTERNAL;
	put_char(out, '{');
	for (i = 0; i < v->u.object.len && rc == 0; i++) {
		m = &v->u.object.members[i];
		if (i > 0)
			put_char(out, ',');
		rc = write_string(out, m->key, 1);
		if (rc == 0) {
			put_char(out, ':');
			rc = write_value(m->value, out);
		}
	}
	if (rc == 0)
		put_char(out, '}');
	return rc;
}

static int
write_value(const struct json_value *v, struct buf *out)
{
	char tmp[32];

	if (v == NULL)
		return SCIM_E_INTERNAL;
	switch (v->type) {
	case JSON_NULL:
		buf_append(out, "null", 4);
		return 0;
	case JSON_BOOL:
		buf_append_cstr(out, v->u.boolean ? "true" : "false");
		return 0;
	case JSON_INT:
		snprintf(tmp, sizeof(tmp), "%" PRId64, v->u.integer);
		buf_append_cstr(out, tmp);
		return 0;
	case JSON_DOUBLE:
		/* RFC 8259 §6 has no Infinity or NaN. */
		if (!isfinite(v->u.number))
			return SCIM_E_INTERNAL;
		write_double(out, v->u.number);
		return 0;
	case JSON_STRING:
		return write_string(out, v->u.string, 1);
	case JSON_ARRAY:
		return write_array(v, out);
	case JSON_OBJECT:
		return write_object(v, out);
	}
	return SCIM_E_INTERNAL;
}

int
json_write(const struct json_value *v, struct buf *out)
{
	size_t start = out->len;
	int rc;

	rc = write_value(v, out);
	if (rc != 0 && out->data != NULL) {
		/* Leave out as it was: no half a document. */
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}
