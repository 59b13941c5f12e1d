/* walk.c — expanding the paths a user gives into the list of files to read:
 * files as given, directories walked recursively (sorted, so runs are
 * reproducible; hidden entries skipped; symlinked directories not followed,
 * so loops cannot happen), "-" for standard input. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/walk.h"

static int add(ug_walk *w, const char *path, uint64_t size, int err)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		ug_walk_entry *e = realloc(w->entries, cap * sizeof(*e));
		if (!e)
			return UG_ERR_NOMEM;
		w->entries = e;
		w->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return UG_ERR_NOMEM;
	w->entries[w->n++] = (ug_walk_entry){copy, size, err};
	/* cppcheck-suppress memleak ; copy is owned by entries[] (ug_walk_free) */
	return UG_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int walk_dir(ug_walk *w, const char *dir, int depth);

static int walk_path(ug_walk *w, const char *path, int depth, bool given)
{
	struct stat st;
	/* lstat inside directories (do not follow symlinked dirs); stat for what the user named */
	if ((given ? stat(path, &st) : lstat(path, &st)) != 0)
		return add(w, path, 0, errno);
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) != 0)
			return add(w, path, 0, errno);
		if (S_ISDIR(st.st_mode))
			return UG_OK; /* symlinked directory inside a walk: not followed */
	}
	if (S_ISDIR(st.st_mode))
		return depth > 64 ? add(w, path, 0, ELOOP) : walk_dir(w, path, depth + 1);
	if (!S_ISREG(st.st_mode) && !given)
		return UG_OK; /* sockets, fifos found while walking */
	return add(w, path, (uint64_t)st.st_size, 0);
}

static int walk_dir(ug_walk *w, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return add(w, dir, 0, errno);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = UG_OK;
	struct dirent *e;
	while ((e = readdir(d)) && rc == UG_OK) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				rc = UG_ERR_NOMEM;
				break;
			}
			names = nn;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			rc = UG_ERR_NOMEM;
			break;
		}
		snprintf(names[n], len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (rc == UG_OK)
			rc = walk_path(w, names[i], depth, false);
		free(names[i]);
	}
	free(names);
	return rc;
}

int ug_walk_paths(ug_walk *w, char *const *paths, size_t npaths)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < npaths; i++) {
		int rc = strcmp(paths[i], "-") == 0 ? add(w, "-", 0, 0) : walk_path(w, paths[i], 0, true);
		if (rc != UG_OK)
			return rc;
	}
	return UG_OK;
}

void ug_walk_free(ug_walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->entries[i].path);
	free(w->entries);
	memset(w, 0, sizeof(*w));
}
