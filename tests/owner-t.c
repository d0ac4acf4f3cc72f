/* Tests of cluster/owner.c: rendezvous hashing of feeds over live nodes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/owner.h"
#include "tests/tap.h"

#define NFEEDS_BIG 10000

/* The name of feed i, as a config would have it. */
static void
feed_name(size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "feed-%05zu", i);
}

/* How many of nfeeds feeds each of the owner's nodes gets. */
static void
count_shares(const struct owner *o, size_t nfeeds, size_t *count)
{
	char name[32];

	for (size_t j = 0; j < owner_nnodes(o); j++)
		count[j] = 0;
	for (size_t i = 0; i < nfeeds; i++) {
		const char *who;

		feed_name(i, name, sizeof(name));
		who = owner_of(o, name);
		for (size_t j = 0; j < owner_nnodes(o); j++)
			if (strcmp(owner_node(o, j), who) == 0)
				count[j]++;
	}
}

/* Every node's share lies within [lo, hi] of nfeeds / nnodes. */
static void
test_balance(
    const char *const *nodes, size_t nn, size_t nfeeds, double lo, double hi)
{
	struct owner *o = owner_new();
	size_t count[16], total = 0, min = (size_t)-1, max = 0;
	double fair = (double)nfeeds / (double)nn;

	owner_set_nodes(o, nodes, nn);
	count_shares(o, nfeeds, count);
	for (size_t j = 0; j < nn; j++) {
		total += count[j];
		min = count[j] < min ? count[j] : min;
		max = count[j] > max ? count[j] : max;
	}
	is_int(total, nfeeds, "%zu nodes, %zu feeds: every feed has one owner",
	    nn, nfeeds);
	ok((double)min >= lo * fair && (double)max <= hi * fair,
	    "%zu nodes, %zu feeds: shares %zu..%zu of a fair %.0f", nn, nfeeds,
	    min, max, fair);
	owner_free(o);
}

/* Removing one node of three moves exactly its feeds, and adding it
 * back moves exactly them back. */
static void
test_loss(void)
{
	static const char *const three[] = {"alpha", "bravo", "charlie"};
	static const char *const two[] = {"alpha", "charlie"};
	struct owner *a = owner_new(), *b = owner_new();
	char name[32];
	size_t moved = 0, wrong = 0, had = 0;

	owner_set_nodes(a, three, 3);
	owner_set_nodes(b, two, 2);
	for (size_t i = 0; i < NFEEDS_BIG; i++) {
		const char *before, *after;

		feed_name(i, name, sizeof(name));
		before = owner_of(a, name);
		after = owner_of(b, name);
		had += strcmp(before, "bravo") == 0;
		if (strcmp(before, after) != 0) {
			moved++;
			wrong += strcmp(before, "bravo") != 0;
		}
	}
	is_int(wrong, 0, "losing bravo moves no feed of alpha or charlie");
	is_int(moved, had, "losing bravo moves all of its %zu feeds", had);
	ok(had > NFEEDS_BIG / 4 && had < NFEEDS_BIG / 2 - NFEEDS_BIG / 10,
	    "bravo had about a third (%zu of %d)", had, NFEEDS_BIG);
	owner_free(a);
	owner_free(b);
}

/* A fourth node takes only feeds it now owns, about a quarter. */
static void
test_join(void)
{
	static const char *const three[] = {"alpha", "bravo", "charlie"};
	static const char *const four[] = {
	    "delta", "alpha", "charlie", "bravo"};
	struct owner *a = owner_new(), *b = owner_new();
	char name[32];
	size_t moved = 0, not_to_new = 0;

	owner_set_nodes(a, three, 3);
	owner_set_nodes(b, four, 4);
	for (size_t i = 0; i < NFEEDS_BIG; i++) {
		feed_name(i, name, sizeof(name));
		if (strcmp(owner_of(a, name), owner_of(b, name)) != 0) {
			moved++;
			not_to_new += strcmp(owner_of(b, name), "delta") != 0;
		}
	}
	is_int(not_to_new, 0, "a joining node takes feeds, no others move");
	ok(moved > NFEEDS_BIG / 5 && moved < NFEEDS_BIG * 3 / 10,
	    "the joining node takes about a quarter (%zu)", moved);
	owner_free(a);
	owner_free(b);
}

/* The answer depends on the set, not on the order it was given in. */
static void
test_agree(void)
{
	static const char *const x[] = {"n1", "n2", "n3", "n2"};
	static const char *const y[] = {"n3", "n1", "n2"};
	struct owner *a = owner_new(), *b = owner_new();
	char name[32];
	size_t differ = 0;

	ok(owner_of(a, "feed") == NULL, "no live node: no owner");
	owner_set_nodes(a, x, 4);
	owner_set_nodes(b, y, 3);
	is_int(owner_nnodes(a), 3, "a duplicate name counts once");
	is_str(owner_node(a, 0), "n1", "nodes are kept in name order");
	for (size_t i = 0; i < 300; i++) {
		feed_name(i, name, sizeof(name));
		differ += strcmp(owner_of(a, name), owner_of(b, name)) != 0;
	}
	is_int(differ, 0, "two nodes with the same live set agree");
	ok(owner_is_mine(a, "feed-00001", owner_of(a, "feed-00001")) &&
	        !owner_is_mine(a, "feed-00001", "nobody"),
	    "owner_is_mine names the owner only");
	ok(owner_score("n1", "f") == owner_score("n1", "f") &&
	        owner_score("n1", "f") != owner_score("n2", "f"),
	    "a score is stable and differs by node");
	owner_free(a);
	owner_free(b);
}

/* Names the KV bucket could not hold are refused and change nothing. */
static void
test_refuse(void)
{
	struct owner *o = owner_new();
	static const char *const one[] = {"solo"};
	const char *bad[] = {"ok", ""};
	char *big = malloc(OWNER_NAME_MAX + 2);

	memset(big, 'x', OWNER_NAME_MAX + 1);
	big[OWNER_NAME_MAX + 1] = '\0';
	owner_set_nodes(o, one, 1);
	is_int(owner_set_nodes(o, bad, 2), -1, "an empty node name is refused");
	bad[1] = big;
	is_int(
	    owner_set_nodes(o, bad, 2), -1, "a too long node name is refused");
	is_str(owner_of(o, "any"), "solo", "a refused set leaves the old one");
	free(big);
	owner_free(o);
}

int
main(void)
{
	static const char *const three[] = {"alpha", "bravo", "charlie"};
	static const char *const ten[] = {
	    "n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"};

	/* 300 feeds over 3: a binomial share has sigma ~8; 25% slack. */
	test_balance(three, 3, 300, 0.75, 1.25);
	/* 10,000 over 3 and over 10: sigma ~1% and ~3%; 10% slack. */
	test_balance(three, 3, NFEEDS_BIG, 0.9, 1.1);
	test_balance(ten, 10, NFEEDS_BIG, 0.9, 1.1);
	test_loss();
	test_join();
	test_agree();
	test_refuse();
	return done_testing();
}
