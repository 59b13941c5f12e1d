/* case_int.h — the memory behind a ug_case: an arena for its strings and, for
 * a case loaded from a database, the hunt result it owns. */
#ifndef UG_REPORT_CASE_INT_H
#define UG_REPORT_CASE_INT_H

#include "core/arena.h"
#include "report/report_int.h"

typedef struct rp_case_priv {
	ug_arena arena;
	ug_hunt_result res; /* filled by case_db.c when loaded; unused when built over a hunt */
} rp_case_priv;

/* A new empty case (c->res points at the owned, zeroed result). */
rp_case_priv *rp_case_new(ug_case **out, ug_error *err);

#endif
