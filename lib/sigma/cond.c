/* cond.c — Sigma conditions into expression trees (a recursive-descent
 * parser over the specification's grammar and precedence, least to most
 * binding: or, and, not, `x of`, parentheses).
 *
 *   expr   := and ('or' and)*
 *   and    := unary ('and' unary)*
 *   unary  := 'not' unary | ('1'|'all'|N) 'of' (pattern|'them') | '(' expr ')' | identifier
 *
 * Keywords are case-insensitive. `them` is every identifier not starting
 * with '_'; a pattern's `*` matches any characters. Sigma 1 aggregations
 * (`| count() ...`) and `near` are not Sigma 2: rejected with that reason.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

typedef struct parser {
	ug_arena *a;
	ug_sv s;
	size_t pos;
	const sg_sel *sels;
	uint32_t nsels;
	const char *err;
	int depth;
} parser;

#define MAX_DEPTH 200

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '*' || c == '-' || c == '.'; }

/* The next token (without consuming it). */
static ug_sv peek(parser *p)
{
	while (p->pos < p->s.n && isspace((unsigned char)p->s.p[p->pos]))
		p->pos++;
	if (p->pos >= p->s.n)
		return UG_SV_NULL;
	const char *c = p->s.p + p->pos;
	if (*c == '(' || *c == ')' || *c == '|')
		return ug_sv_make(c, 1);
	size_t n = 0;
	while (p->pos + n < p->s.n && ident_char(c[n]))
		n++;
	return ug_sv_make(c, n ? n : 1);
}

static ug_sv next(parser *p)
{
	ug_sv t = peek(p);
	p->pos += t.n;
	return t;
}

static bool is_kw(ug_sv t, const char *kw) { return ug_sv_eq_nocase(t, ug_sv_from(kw)); }

static sg_cond *node(parser *p, uint8_t op)
{
	sg_cond *c = ug_arena_calloc(p->a, 1, sizeof(*c));
	if (!c)
		p->err = "out of memory";
	else
		c->op = op;
	return c;
}

static bool glob_name(ug_sv pat, ug_sv name)
{
	size_t pi = 0, ni = 0, sp = SIZE_MAX, sn = 0;
	while (ni < name.n) {
		if (pi < pat.n && pat.p[pi] == '*') {
			sp = ++pi;
			sn = ni;
		} else if (pi < pat.n && pat.p[pi] == name.p[ni]) {
			pi++;
			ni++;
		} else if (sp != SIZE_MAX) {
			pi = sp;
			ni = ++sn;
		} else {
			return false;
		}
	}
	while (pi < pat.n && pat.p[pi] == '*')
		pi++;
	return pi == pat.n;
}

static sg_cond *parse_expr(parser *p);

static sg_cond *parse_of(parser *p, bool all)
{
	ug_sv target = next(p);
	if (!target.n || target.p[0] == '(' || target.p[0] == ')') {
		p->err = "'of' without identifiers";
		return NULL;
	}
	sg_cond *c = node(p, all ? SG_C_ALL : SG_C_ANY);
	if (!c)
		return NULL;
	c->sels = ug_arena_alloc(p->a, (p->nsels + 1) * sizeof(uint32_t));
	if (!c->sels) {
		p->err = "out of memory";
		return NULL;
	}
	bool them = is_kw(target, "them");
	for (uint32_t i = 0; i < p->nsels; i++) {
		ug_sv n = p->sels[i].name;
		if (them ? (n.n && n.p[0] != '_') : glob_name(target, n))
			c->sels[c->nsels++] = i;
	}
	if (!c->nsels) {
		char *msg = ug_arena_alloc(p->a, target.n + 64);
		if (msg)
			snprintf(msg, target.n + 64, "'of %.*s' matches no search identifier", UG_SV_ARG(target));
		p->err = msg ? msg : "'of' matches no search identifier";
		return NULL;
	}
	return c;
}

static sg_cond *parse_unary(parser *p)
{
	if (++p->depth > MAX_DEPTH) {
		p->err = "condition nested too deeply";
		return NULL;
	}
	ug_sv t = next(p);
	sg_cond *c = NULL;
	if (!t.n) {
		p->err = "condition ends where an identifier was expected";
	} else if (is_kw(t, "not")) {
		c = node(p, SG_C_NOT);
		if (c && !(c->a = parse_unary(p)))
			c = NULL;
	} else if (t.p[0] == '(') {
		c = parse_expr(p);
		if (c && !ug_sv_eq_cstr(next(p), ")")) {
			p->err = "missing ')' in condition";
			c = NULL;
		}
	} else if ((is_kw(t, "all") || ug_sv_is_digits(t)) && is_kw(peek(p), "of")) {
		uint64_t n = 0;
		if (!is_kw(t, "all") && (!ug_sv_to_u64(t, &n) || n != 1)) {
			p->err = "'N of' with N other than 1 is not Sigma (only '1 of' and 'all of')";
		} else {
			next(p);
			c = parse_of(p, is_kw(t, "all"));
		}
	} else if (t.p[0] == '|') {
		p->err = "aggregation in the condition ('| count() ...') is Sigma 1; Sigma 2 uses correlation rules";
	} else if (t.p[0] == ')' || is_kw(t, "and") || is_kw(t, "or")) {
		p->err = "operator where an identifier was expected";
	} else {
		for (uint32_t i = 0; i < p->nsels; i++) {
			if (ug_sv_eq(p->sels[i].name, t)) {
				if ((c = node(p, SG_C_SEL)))
					c->sel = i;
				break;
			}
		}
		if (!c && !p->err) {
			char *msg = ug_arena_alloc(p->a, t.n + 64);
			if (msg)
				snprintf(msg, t.n + 64, "condition names unknown search identifier '%.*s'", UG_SV_ARG(t));
			p->err = msg ? msg : "unknown search identifier";
		}
	}
	p->depth--;
	return c;
}

/* operand (kw operand)*, left-associative: one level of the precedence. */
static sg_cond *parse_chain(parser *p, const char *kw, sg_op kind, sg_cond *(*operand)(parser *))
{
	sg_cond *l = operand(p);
	while (l && is_kw(peek(p), kw)) {
		next(p);
		sg_cond *c = node(p, (uint8_t)kind), *r = operand(p);
		if (!c || !r)
			return NULL;
		c->a = l;
		c->b = r;
		l = c;
	}
	return l;
}

static sg_cond *parse_and(parser *p)
{
	return parse_chain(p, "and", SG_C_AND, parse_unary);
}

static sg_cond *parse_expr(parser *p)
{
	return parse_chain(p, "or", SG_C_OR, parse_and);
}

const char *sg_cond_parse(ug_arena *a, ug_sv text, const sg_sel *sels, uint32_t nsels, sg_cond **out)
{
	parser p = {a, text, 0, sels, nsels, NULL, 0};
	*out = parse_expr(&p);
	if (!p.err && *out) {
		ug_sv rest = peek(&p);
		if (rest.n) {
			if (rest.p[0] == '|')
				p.err = "aggregation in the condition ('| count() ...') is Sigma 1; Sigma 2 uses correlation rules";
			else if (is_kw(rest, "near"))
				p.err = "'near' is Sigma 1; Sigma 2 uses temporal correlation rules";
			else
				p.err = "unexpected text after the condition";
		}
	}
	if (p.err)
		*out = NULL;
	return p.err ? p.err : (*out ? NULL : "empty condition");
}
