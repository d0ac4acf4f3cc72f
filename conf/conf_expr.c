/*
 * The `require` expression of a watchlist (SPEC "Scoring"): a small
 * recursive-descent parser from the written text to a struct conf_expr tree.
 *
 *	expr    := and { "or" and }
 *	and     := unary { "and" unary }
 *	unary   := "not" unary | primary
 *	primary := "(" expr ")" | "near" "(" leaf "," leaf "," N ")" | leaf
 *	leaf    := NAME | "actor" | "topic"
 *
 * Names resolve against the watchlist's own actors and topics only, so a
 * rule can never depend on an entity that the watchlist does not score.
 * The loader (conf.c) calls this once the watchlist's lists are resolved and
 * turns a failure into "file:line: require, column C: ...".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* Nesting of parentheses and `not`: 32 is far beyond any rule a person
 * writes and keeps the recursion (and the evaluator's) shallow. */
#define EXPR_MAX_DEPTH 32
/* near(A, B, N): a window wider than a long article is a mistake. */
#define EXPR_MAX_NEAR 1000
/* Operators in one rule: bounds the depth of a left-leaning chain such as
 * "a or b or c ...", which every walk of the tree recurses through. */
#define EXPR_MAX_OPS 256

enum expr_tok {
	TOK_END,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_COMMA,
	TOK_WORD,
	TOK_BAD,
};

struct expr_parser {
	const char *text;
	const char *p; /* after the current token */
	const struct conf_watchlist *wl;
	enum expr_tok tok;
	const char *tstart; /* the current token */
	size_t tlen;
	int depth;
	int ops;   /* and/or/not so far */
	char *msg; /* the first error */
	size_t col;
};

static struct conf_expr *expr_parse_or(struct expr_parser *ep);

/* A character of a name: what section names are made of. */
static int
expr_is_namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* Read the next token into ep->tok. */
static void
expr_next(struct expr_parser *ep)
{
	const char *p = ep->p;

	while (*p == ' ' || *p == '\t')
		p++;
	ep->tstart = p;
	ep->tlen = 1;
	switch (*p) {
	case '\0':
		ep->tok = TOK_END;
		ep->tlen = 0;
		break;
	case '(':
		ep->tok = TOK_LPAREN;
		break;
	case ')':
		ep->tok = TOK_RPAREN;
		break;
	case ',':
		ep->tok = TOK_COMMA;
		break;
	default:
		if (!expr_is_namechar((unsigned char)*p)) {
			ep->tok = TOK_BAD;
			break;
		}
		while (expr_is_namechar((unsigned char)p[ep->tlen]))
			ep->tlen++;
		ep->tok = TOK_WORD;
		break;
	}
	ep->p = p + ep->tlen;
}

/* Is the current token the word w? */
static int
expr_is_word(const struct expr_parser *ep, const char *w)
{
	return ep->tok == TOK_WORD && ep->tlen == strlen(w) &&
	    memcmp(ep->tstart, w, ep->tlen) == 0;
}

/* Record the first error at the current token; returns NULL. */
static struct conf_expr *
expr_fail(struct expr_parser *ep, const char *expected)
{
	if (ep->msg != NULL)
		return NULL;
	ep->col = (size_t)(ep->tstart - ep->text);
	if (ep->tok == TOK_END)
		xasprintf(&ep->msg, "expected %s at the end", expected);
	else
		xasprintf(&ep->msg, "expected %s, found '%.*s'", expected,
		    (int)ep->tlen, ep->tstart);
	return NULL;
}

/* A new node; the caller links it into the tree. */
static struct conf_expr *
expr_node(enum conf_expr_op op, struct conf_expr *a, struct conf_expr *b)
{
	struct conf_expr *e = xcalloc(1, sizeof(*e));

	e->op = op;
	e->a = a;
	e->b = b;
	return e;
}

/* The watchlist's actor or topic called by the current word, or NULL. */
static const struct conf_entity *
expr_lookup(const struct expr_parser *ep)
{
	const struct conf_watchlist *wl = ep->wl;

	for (size_t i = 0; i < wl->nactors; i++)
		if (strlen(wl->actors[i]->name) == ep->tlen &&
		    memcmp(wl->actors[i]->name, ep->tstart, ep->tlen) == 0)
			return wl->actors[i];
	for (size_t i = 0; i < wl->ntopics; i++)
		if (strlen(wl->topics[i]->name) == ep->tlen &&
		    memcmp(wl->topics[i]->name, ep->tstart, ep->tlen) == 0)
			return wl->topics[i];
	return NULL;
}

/* leaf := NAME | "actor" | "topic" */
static struct conf_expr *
expr_parse_leaf(struct expr_parser *ep)
{
	static const char *const keywords[] = {"and", "or", "not", "near"};
	const struct conf_entity *ent;
	struct conf_expr *e;

	if (ep->tok != TOK_WORD)
		return expr_fail(
		    ep, "an actor or topic name, 'actor' or 'topic'");
	if (expr_is_word(ep, "actor") || expr_is_word(ep, "topic")) {
		e = expr_node(
		    expr_is_word(ep, "actor") ? EXPR_ANY_ACTOR : EXPR_ANY_TOPIC,
		    NULL, NULL);
		expr_next(ep);
		return e;
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (expr_is_word(ep, keywords[i]))
			return expr_fail(
			    ep, "an actor or topic name, 'actor' or 'topic'");
	if ((ent = expr_lookup(ep)) == NULL) {
		ep->col = (size_t)(ep->tstart - ep->text);
		xasprintf(&ep->msg,
		    "'%.*s' is not an actor or topic of watchlist '%s'",
		    (int)ep->tlen, ep->tstart, ep->wl->name);
		return NULL;
	}
	e = expr_node(EXPR_ENTITY, NULL, NULL);
	e->entity = ent;
	expr_next(ep);
	return e;
}

/* Expect the token t (named what); consume it. */
static int
expr_expect(struct expr_parser *ep, enum expr_tok t, const char *what)
{
	if (ep->tok != t) {
		expr_fail(ep, what);
		return -1;
	}
	expr_next(ep);
	return 0;
}

/* "near" "(" leaf "," leaf "," N ")", after the word near. */
static struct conf_expr *
expr_parse_near(struct expr_parser *ep)
{
	struct conf_expr *e = expr_node(EXPR_NEAR, NULL, NULL);
	long long n;
	char num[16];

	if (expr_expect(ep, TOK_LPAREN, "'(' after near") < 0 ||
	    (e->a = expr_parse_leaf(ep)) == NULL ||
	    expr_expect(ep, TOK_COMMA, "','") < 0 ||
	    (e->b = expr_parse_leaf(ep)) == NULL ||
	    expr_expect(ep, TOK_COMMA, "','") < 0)
		goto fail;
	if (ep->tok != TOK_WORD || ep->tlen >= sizeof(num)) {
		expr_fail(ep, "a number of words");
		goto fail;
	}
	memcpy(num, ep->tstart, ep->tlen);
	num[ep->tlen] = '\0';
	if (str_parse_int(num, 1, EXPR_MAX_NEAR, &n) < 0) {
		expr_fail(ep, "a number of words from 1 to 1000");
		goto fail;
	}
	e->n = (int)n;
	expr_next(ep);
	if (expr_expect(ep, TOK_RPAREN, "')'") < 0)
		goto fail;
	return e;
fail:
	conf_expr_free(e);
	return NULL;
}

/* primary := "(" expr ")" | near(...) | leaf */
static struct conf_expr *
expr_parse_primary(struct expr_parser *ep)
{
	struct conf_expr *e;

	if (ep->tok == TOK_LPAREN) {
		if (++ep->depth > EXPR_MAX_DEPTH)
			return expr_fail(ep, "at most 32 levels of nesting");
		expr_next(ep);
		if ((e = expr_parse_or(ep)) == NULL)
			return NULL;
		if (expr_expect(ep, TOK_RPAREN, "')' or an operator") < 0) {
			conf_expr_free(e);
			return NULL;
		}
		ep->depth--;
		return e;
	}
	if (expr_is_word(ep, "near")) {
		expr_next(ep);
		return expr_parse_near(ep);
	}
	if (ep->tok != TOK_WORD)
		return expr_fail(ep,
		    "an actor or topic name, 'actor', 'topic', 'not', 'near' "
		    "or '('");
	return expr_parse_leaf(ep);
}

/* unary := "not" unary | primary */
static struct conf_expr *
expr_parse_unary(struct expr_parser *ep)
{
	struct conf_expr *a;

	if (!expr_is_word(ep, "not"))
		return expr_parse_primary(ep);
	if (++ep->depth > EXPR_MAX_DEPTH || ++ep->ops > EXPR_MAX_OPS)
		return expr_fail(ep, "at most 32 levels of nesting");
	expr_next(ep);
	if ((a = expr_parse_unary(ep)) == NULL)
		return NULL;
	ep->depth--;
	return expr_node(EXPR_NOT, a, NULL);
}

/* A left-associative chain of `word` over sub-expressions of next. */
static struct conf_expr *
expr_parse_chain(struct expr_parser *ep, const char *word, enum conf_expr_op op,
    struct conf_expr *(*next)(struct expr_parser *))
{
	struct conf_expr *a, *b;

	if ((a = next(ep)) == NULL)
		return NULL;
	while (expr_is_word(ep, word)) {
		if (++ep->ops > EXPR_MAX_OPS) {
			expr_fail(ep, "at most 256 operators");
			conf_expr_free(a);
			return NULL;
		}
		expr_next(ep);
		if ((b = next(ep)) == NULL) {
			conf_expr_free(a);
			return NULL;
		}
		a = expr_node(op, a, b);
	}
	return a;
}

/* and := unary { "and" unary } */
static struct conf_expr *
expr_parse_and(struct expr_parser *ep)
{
	return expr_parse_chain(ep, "and", EXPR_AND, expr_parse_unary);
}

/* expr := and { "or" and } */
static struct conf_expr *
expr_parse_or(struct expr_parser *ep)
{
	return expr_parse_chain(ep, "or", EXPR_OR, expr_parse_and);
}

/* Parse a whole rule; anything after it is an error. */
struct conf_expr *
conf_expr_parse(
    const char *text, const struct conf_watchlist *wl, size_t *col, char **msg)
{
	struct expr_parser ep;
	struct conf_expr *e;

	memset(&ep, 0, sizeof(ep));
	ep.text = ep.p = text;
	ep.wl = wl;
	expr_next(&ep);
	if ((e = expr_parse_or(&ep)) != NULL && ep.tok != TOK_END) {
		expr_fail(&ep, "'and', 'or' or the end of the expression");
		conf_expr_free(e);
		e = NULL;
	}
	if (e == NULL) {
		*col = ep.col;
		*msg = ep.msg;
	}
	return e;
}

/* Free a tree (NULL is fine). */
void
conf_expr_free(struct conf_expr *e)
{
	if (e == NULL)
		return;
	conf_expr_free(e->a);
	conf_expr_free(e->b);
	free(e);
}

/* Append e to b, fully parenthesised. */
static void
expr_format(const struct conf_expr *e, struct buf *b)
{
	switch (e->op) {
	case EXPR_ENTITY:
		buf_appends(b, e->entity->name);
		break;
	case EXPR_ANY_ACTOR:
		buf_appends(b, "actor");
		break;
	case EXPR_ANY_TOPIC:
		buf_appends(b, "topic");
		break;
	case EXPR_NOT:
		buf_appends(b, "not ");
		expr_format(e->a, b);
		break;
	case EXPR_AND:
	case EXPR_OR:
		buf_appendc(b, '(');
		expr_format(e->a, b);
		buf_appends(b, e->op == EXPR_AND ? " and " : " or ");
		expr_format(e->b, b);
		buf_appendc(b, ')');
		break;
	case EXPR_NEAR:
		buf_appends(b, "near(");
		expr_format(e->a, b);
		buf_appends(b, ", ");
		expr_format(e->b, b);
		buf_printf(b, ", %d)", e->n);
		break;
	}
}

/* The tree as text, for tests and messages. */
char *
conf_expr_to_string(const struct conf_expr *e)
{
	struct buf b = BUF_INIT;

	expr_format(e, &b);
	return buf_steal(&b);
}
