/* fs.h — small file-system helpers the outputs share. */
#ifndef UG_CORE_FS_H
#define UG_CORE_FS_H

#include "updguard/error.h"

/* mkdir -p: create dir and its missing parents (an existing folder is fine). */
int ug_fs_mkdirs(const char *dir, ug_error *err);

#endif
