/* relit.c — the literals a regular expression (`|re`) needs, for the
 * prefilter (prefilter.c): strings of which at least one occurs in every
 * subject the expression matches, as an OR of alternatives each holding an
 * AND of required runs of plain characters. Example: `shutdown\s+/r /f` needs
 * "shutdown" and "/r /f"; `(?:cmd|powershell)\.exe` needs ".exe".
 *
 * Why: a rule whose only selection is a regex was evaluated on every event
 * of its logsource; with a literal it is evaluated only where the literal
 * occurs in the field.
 *
 * Conservative by construction: anything not understood gives no guarantee
 * (SG_RL_NONE for that part; a construct that could change the meaning of
 * the rest, such as `(?x)`, `\Q` or a conditional, gives none for the whole
 * expression). Only plain ASCII characters join runs; classes, escapes of
 * letters and digits, `.`, anchors and non-ASCII characters break them; a
 * character or group that may repeat zero times is skipped, one that repeats
 * at least once ends the run after it. Caseless expressions (`|re|i`, `(?i)`)
 * break runs at k and s too: in UTF mode PCRE2 folds the Kelvin sign onto k
 * and the long s onto s, so "kiwi" may match bytes that do not hold "kiwi" in
 * any ASCII case. The prefilter's literal databases are caseless, so the
 * runs need no case folding themselves.
 */
#include <string.h>

#include "core/str.h"
#include "sigma/sigma_int.h"

typedef struct rp {
	const char *p;
	size_t i, n;
	bool ci;                 /* caseless somewhere in the expression */
	bool fail;               /* a construct we do not read: no guarantee at all */
	int depth;
	ug_arena *arena;
	char run[256];           /* the current run of plain characters */
	size_t nrun;
} rp;

static const sg_renode rl_none = {SG_RL_NONE, {NULL, 0}, NULL, NULL};

static const sg_renode *node(rp *r, uint8_t op, ug_sv s, const sg_renode *a, const sg_renode *b)
{
	sg_renode *n = ug_arena_alloc(r->arena, sizeof(*n));
	if (!n) {
		r->fail = true; /* out of memory: no guarantee */
		return &rl_none;
	}
	*n = (sg_renode){op, s, a, b};
	return n;
}

/* AND: a NONE side adds nothing. */
static const sg_renode *rl_and(rp *r, const sg_renode *a, const sg_renode *b)
{
	if (a->op == SG_RL_NONE)
		return b;
	if (b->op == SG_RL_NONE)
		return a;
	return node(r, SG_RL_AND, UG_SV_NULL, a, b);
}

/* OR: a NONE side makes it NONE. */
static const sg_renode *rl_or(rp *r, const sg_renode *a, const sg_renode *b)
{
	if (a->op == SG_RL_NONE || b->op == SG_RL_NONE)
		return &rl_none;
	return node(r, SG_RL_OR, UG_SV_NULL, a, b);
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool at(const rp *r, char c) { return r->i < r->n && r->p[r->i] == c; }

/* A quantifier at r->i: consumes it (and a lazy/possessive suffix) and
 * returns its minimum count; -1 (nothing consumed) when there is none. */
static long quantifier(rp *r)
{
	long min = -1;
	if (at(r, '*') || at(r, '?')) {
		min = 0;
		r->i++;
	} else if (at(r, '+')) {
		min = 1;
		r->i++;
	} else if (at(r, '{')) {
		size_t j = r->i + 1;
		long lo = 0;
		bool digits = false, comma = false;
		while (j < r->n && ((r->p[j] >= '0' && r->p[j] <= '9') || r->p[j] == ',' || r->p[j] == ' ')) {
			if (r->p[j] == ',')
				comma = true;
			else if (r->p[j] != ' ' && !comma) {
				lo = lo * 10 + (r->p[j] - '0');
				digits = true;
				if (lo > 100000)
					lo = 100000;
			}
			j++;
		}
		if (j >= r->n || r->p[j] != '}' || (!digits && !comma))
			return -1; /* not a quantifier: '{' is a character */
		min = digits ? lo : 0;
		r->i = j + 1;
	}
	if (min >= 0 && (at(r, '?') || at(r, '+')))
		r->i++;
	return min;
}

/* The current run as a requirement (AND-ed into acc); the run starts over. */
static void flush(rp *r, const sg_renode **acc)
{
	if (r->nrun) {
		ug_sv s = ug_arena_dup(r->arena, ug_sv_make(r->run, r->nrun));
		*acc = s.p ? rl_and(r, *acc, node(r, SG_RL_RUN, s, NULL, NULL)) : *acc;
		r->fail |= !s.p;
	}
	r->nrun = 0;
}

/* Skips a bracketed class starting at '['. */
static void skip_class(rp *r)
{
	r->i++;
	if (at(r, '^'))
		r->i++;
	if (at(r, ']'))
		r->i++; /* a leading ']' is a member */
	while (r->i < r->n && r->p[r->i] != ']') {
		if (r->p[r->i] == '\\')
			r->i++;
		else if (r->p[r->i] == '[' && r->i + 1 < r->n && r->p[r->i + 1] == ':') {
			const char *end = memchr(r->p + r->i + 2, ']', r->n - r->i - 2);
			if (end)
				r->i = (size_t)(end - r->p);
		}
		r->i++;
	}
	if (r->i >= r->n)
		r->fail = true;
	else
		r->i++;
}

/* Skips "{...}" (or "<...>", "'...'") after an escape like \p, \x, \k. */
static void skip_braced(rp *r)
{
	char open = r->i < r->n ? r->p[r->i] : 0;
	char close = open == '{' ? '}' : open == '<' ? '>' : open == '\'' ? '\'' : 0;
	if (!close)
		return;
	const char *end = memchr(r->p + r->i + 1, close, r->n - r->i - 1);
	if (!end)
		r->fail = true;
	else
		r->i = (size_t)(end - r->p) + 1;
}

/* An escape at r->i ('\\'): a plain character (*c set, true) or something
 * else, skipped (false). */
static bool escape(rp *r, char *c)
{
	r->i++;
	if (r->i >= r->n) {
		r->fail = true;
		return false;
	}
	char e = r->p[r->i++];
	if ((unsigned char)e >= 0x80) {
		r->i--; /* a non-ASCII character: skipped by the caller's loop as a break */
		return false;
	}
	if (!is_alnum(e)) {
		*c = e;
		return true;
	}
	switch (e) {
	case 'Q':
	case 'E':
		r->fail = true; /* quoting: not read */
		break;
	case 'x':
		if (at(r, '{'))
			skip_braced(r);
		else
			for (int k = 0; k < 2 && r->i < r->n && is_alnum(r->p[r->i]); k++)
				r->i++;
		break;
	case 'p':
	case 'P':
	case 'k':
	case 'g':
	case 'o':
	case 'N':
		if (at(r, '{') || at(r, '<') || at(r, '\''))
			skip_braced(r);
		else if ((e == 'p' || e == 'P') && r->i < r->n)
			r->i++;
		else if (e == 'g')
			while (r->i < r->n && (r->p[r->i] == '-' || (r->p[r->i] >= '0' && r->p[r->i] <= '9')))
				r->i++;
		break;
	case 'c':
		if (r->i < r->n)
			r->i++;
		break;
	default:
		while (e >= '0' && e <= '9' && r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '9')
			r->i++; /* backreference or octal */
		break;
	}
	return false;
}

static const sg_renode *alternatives(rp *r);

/* A group starting at '(': its requirement before any quantifier; NULL for
 * a group of flags alone. */
static const sg_renode *group(rp *r)
{
	r->i++;
	bool look = false;
	if (at(r, '*')) {
		r->fail = true; /* (*VERB) */
		return &rl_none;
	}
	if (at(r, '?')) {
		r->i++;
		if (at(r, ':') || at(r, '>') || at(r, '|')) {
			if (at(r, '|'))
				look = true; /* branch reset: read, but give nothing */
			r->i++;
		} else if (at(r, '=') || at(r, '!')) {
			look = true;
			r->i++;
		} else if (at(r, '<') && r->i + 1 < r->n && (r->p[r->i + 1] == '=' || r->p[r->i + 1] == '!')) {
			look = true;
			r->i += 2;
		} else if (at(r, '<') || at(r, '\'') || (at(r, 'P') && r->i + 1 < r->n && r->p[r->i + 1] == '<')) {
			if (at(r, 'P'))
				r->i++;
			skip_braced(r); /* named group */
		} else {
			/* flags: (?i) (?i-s) (?^) or (?i:...) */
			while (r->i < r->n && (is_alnum(r->p[r->i]) || r->p[r->i] == '-' || r->p[r->i] == '^'))
				r->i++;
			if (at(r, ')')) {
				r->i++;
				return NULL; /* flags alone: no atom */
			}
			if (!at(r, ':')) {
				r->fail = true; /* conditionals, recursion, callouts, comments */
				return &rl_none;
			}
			r->i++;
		}
	}
	r->depth++;
	const sg_renode *inner = alternatives(r);
	r->depth--;
	if (!at(r, ')')) {
		r->fail = true;
		return &rl_none;
	}
	r->i++;
	return look ? &rl_none : inner;
}

/* A sequence up to '|', ')' or the end: the AND of its runs and groups. */
static const sg_renode *sequence(rp *r)
{
	const sg_renode *acc = &rl_none;
	r->nrun = 0;
	while (r->i < r->n && !r->fail) {
		char c = r->p[r->i];
		if (c == '|' || (c == ')' && r->depth > 0))
			break;
		if (c == '(') {
			flush(r, &acc);
			const sg_renode *g = group(r);
			if (!g)
				continue; /* flags */
			if (quantifier(r) != 0)
				acc = rl_and(r, acc, g);
			continue;
		}
		bool plain = false;
		char lc = 0;
		if (c == '\\') {
			plain = escape(r, &lc);
		} else if (c == '[') {
			skip_class(r);
		} else if ((unsigned char)c >= 0x80) {
			r->i++;
			while (r->i < r->n && ((unsigned char)r->p[r->i] & 0xC0) == 0x80)
				r->i++;
		} else if (c == '.' || c == '^' || c == '$' || c == '*' || c == '+' || c == '?' || c == '{' ||
		           c == ')') {
			r->i++; /* a stray quantifier, a '{' character or ')' at depth 0: treated as a break */
		} else {
			plain = true;
			lc = c;
			r->i++;
		}
		if (plain && r->ci && (lc == 'k' || lc == 'K' || lc == 's' || lc == 'S'))
			plain = false;
		long q = quantifier(r);
		if (!plain || q == 0) {
			flush(r, &acc);
			continue;
		}
		if (r->nrun == sizeof(r->run))
			flush(r, &acc);
		r->run[r->nrun++] = lc;
		if (q > 0)
			flush(r, &acc);
	}
	flush(r, &acc);
	return acc;
}

/* Alternatives up to ')' or the end: the OR of their sequences. */
static const sg_renode *alternatives(rp *r)
{
	const sg_renode *acc = sequence(r);
	while (!r->fail && at(r, '|')) {
		r->i++;
		acc = rl_or(r, acc, sequence(r));
	}
	return acc;
}

/* Is the expression caseless anywhere ((?i) or (?i: inside), or extended
 * ((?x): whitespace and comments, not read)? */
static void scan_flags(rp *r)
{
	for (size_t i = 0; i + 2 < r->n; i++) {
		if (r->p[i] == '\\') {
			i++;
			continue;
		}
		if (r->p[i] != '(' || r->p[i + 1] != '?')
			continue;
		for (size_t j = i + 2; j < r->n && (is_alnum(r->p[j]) || r->p[j] == '-' || r->p[j] == '^'); j++) {
			if (r->p[j] == 'i')
				r->ci = true;
			if (r->p[j] == 'x')
				r->fail = true;
		}
	}
}

const sg_renode *sg_relit(ug_arena *a, ug_sv pattern, bool caseless)
{
	rp r = {.p = pattern.p, .n = pattern.n, .ci = caseless, .arena = a};
	scan_flags(&r);
	const sg_renode *acc = r.fail ? &rl_none : alternatives(&r);
	return r.fail || r.i != r.n ? &rl_none : acc;
}
