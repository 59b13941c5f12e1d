/* walk.h — the files behind the paths a user gives (see walk.c). */
#ifndef UG_SOURCES_WALK_H
#define UG_SOURCES_WALK_H

#include <stdio.h>

#include "updguard/common.h"

typedef struct ug_walk_entry {
	char *path;     /* "-" is standard input */
	uint64_t size;  /* on disk; 0 for stdin */
	int error;      /* errno when the path could not be read (still listed) */
} ug_walk_entry;

typedef struct ug_walk {
	ug_walk_entry *entries;
	size_t n, cap;
} ug_walk;

int ug_walk_paths(ug_walk *w, char *const *paths, size_t npaths);
void ug_walk_free(ug_walk *w);

#endif
