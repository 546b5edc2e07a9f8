/*
 * The webhook deliverer's pure parts (http/webhook.h): which URLs it
 * accepts and the backoff schedule. Delivery itself is tested end to end
 * in tests/integration/test_notify.c.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/webhook.h"

Test(webhook, accepts_http_and_https_urls)
{
	cr_assert(webhook_url_ok("http://127.0.0.1:8080/hook"));
	cr_assert(webhook_url_ok("https://hooks.example.com/a/b?x=1"));
	cr_assert(webhook_url_ok("HTTPS://hooks.example.com"));
	cr_assert(webhook_url_ok("http://[::1]:9000/"));
}

Test(webhook, rejects_other_urls)
{
	char long_url[WEBHOOK_URL_MAX + 32];

	cr_assert_not(webhook_url_ok(NULL));
	cr_assert_not(webhook_url_ok(""));
	cr_assert_not(webhook_url_ok("ftp://example.com/"));
	cr_assert_not(webhook_url_ok("example.com/hook"));
	cr_assert_not(webhook_url_ok("http:///nohost"));
	cr_assert_not(webhook_url_ok("https://user:pw@example.com/"));
	cr_assert_not(webhook_url_ok("http://exa mple.com/"));
	memset(long_url, 'a', sizeof(long_url));
	memcpy(long_url, "http://x/", 9);
	long_url[sizeof(long_url) - 1] = '\0';
	cr_assert_not(webhook_url_ok(long_url));
}

Test(webhook, backoff_doubles_up_to_the_cap)
{
	cr_assert_eq(webhook_backoff_ms(1, 3600, 1), 1000);
	cr_assert_eq(webhook_backoff_ms(1, 3600, 2), 2000);
	cr_assert_eq(webhook_backoff_ms(1, 3600, 5), 16000);
	cr_assert_eq(webhook_backoff_ms(2, 10, 3), 8000);
	cr_assert_eq(webhook_backoff_ms(2, 10, 4), 10000);
	cr_assert_eq(webhook_backoff_ms(1, 3600, 1000000), 3600000);
}
