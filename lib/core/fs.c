/* fs.c — small file-system helpers the outputs share (fs.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fs.h"

int ug_fs_mkdirs(const char *dir, ug_error *err)
{
	size_t n = strlen(dir);
	char *p = malloc(n + 1);
	if (!p)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	memcpy(p, dir, n + 1);
	int rc = UG_OK;
	for (size_t i = 1; i <= n && rc == UG_OK; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char c = p[i];
		p[i] = '\0';
		struct stat st;
		if (mkdir(p, 0777) != 0 && !(errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode)))
			rc = ug_error_set(err, UG_ERR_IO, "cannot create folder %s: %s", p, strerror(errno));
		p[i] = c;
	}
	free(p);
	return rc;
}
