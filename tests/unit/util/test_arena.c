/* The request arena (util/arena.c): zeroed, aligned memory, also when a
 * thread's next arena reuses the chunk its last one freed. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "util/arena.h"

static void
check_zero_aligned(const unsigned char *p, size_t n)
{
	size_t i;

	cr_assert_not_null(p);
	cr_assert_eq((uintptr_t)p % 16, 0, "misaligned %p", (void *)p);
	for (i = 0; i < n; i++)
		cr_assert_eq(p[i], 0, "byte %zu of %zu not zero", i, n);
}

/* Each round dirties everything it was given; the next round's arena
 * (built on the chunk the last one freed) must still hand out zeros. */
Test(arena, zeroed_across_reuse)
{
	static const size_t sizes[] = {
	    1, 16, 100, 1000, 2048, 3000, 5000, 20000, 100000};
	unsigned char *p;
	struct arena *a;
	size_t i, round;

	for (round = 0; round < 4; round++) {
		a = arena_new();
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			p = arena_alloc(a, sizes[i]);
			check_zero_aligned(p, sizes[i]);
			memset(p, 0xA5, sizes[i]);
		}
		arena_free(a);
	}
}

/* Two arenas alive at once in one thread never share memory. */
Test(arena, live_arenas_are_disjoint)
{
	struct arena *a = arena_new();
	unsigned char *p, *q;
	struct arena *b;

	p = arena_alloc(a, 4000);
	arena_free(arena_new()); /* leaves a spare chunk behind */
	b = arena_new();
	q = arena_alloc(b, 4000);
	check_zero_aligned(q, 4000);
	cr_assert(q + 4000 <= p || p + 4000 <= q);
	memset(p, 1, 4000);
	memset(q, 2, 4000);
	cr_assert_eq(p[3999], 1);
	cr_assert_eq(q[0], 2);
	arena_free(b);
	arena_free(a);
}

Test(arena, copies_and_accounting)
{
	struct arena *a = arena_new();
	char *s = arena_strndup(a, "abcdef", 3);
	struct str v = arena_str(a, STR_LIT("xyz"));

	cr_assert_str_eq(s, "abc");
	cr_assert_eq(v.len, 3);
	cr_assert_str_eq(v.ptr, "xyz");
	cr_assert_str_eq(arena_printf(a, "%d-%s", 42, "q"), "42-q");
	cr_assert_geq(arena_used(a), 4 + 4 + 5);
	arena_free(a);
	arena_free(NULL);
}
