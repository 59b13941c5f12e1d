/* profile.h — a product's update channel as the hunt needs to know it: from a
 * shipped or user profile (YAML, docs/profiles.md) merged with the analyst's
 * ad-hoc flags. Everything the hunt matches by name comes from here — the
 * analysis itself keys on behaviour, never on literal names of any product.
 *
 * Matching rules (profile.c): image names compare case-insensitively against
 * the basename, or the whole path when the pattern holds a backslash; host
 * patterns are case-insensitive globs with '*' and '?'; install dirs are
 * case-insensitive path prefixes.
 */
#ifndef UG_HUNT_PROFILE_H
#define UG_HUNT_PROFILE_H

#include "updguard/error.h"

typedef struct ug_profile_server {
	char *host;   /* glob, e.g. "update-in.escanav.com" or "*.in.example" */
	char *region; /* "IN", "EU-West", ... */
} ug_profile_server;

typedef struct ug_profile_ioc {
	char *type;   /* as ug_ioc.type */
	char *value;
	char *source; /* where it was published */
	bool confirmed;
} ug_profile_ioc;

typedef struct ug_profile {
	char *name;          /* profile name ("escan"), "" for ad-hoc */
	char *product;
	char *vendor;
	char **updaters;     /* image names/paths of the updater and its helpers */
	size_t nupdaters;
	char **install_dirs;
	size_t ninstall_dirs;
	char **update_hosts; /* globs */
	size_t nupdate_hosts;
	ug_profile_server *servers;
	size_t nservers;
	/* the product's own expected update behaviour, where known (optional;
	 * the baseline learned from the logs always applies) */
	char **expected_children; /* images an update normally starts */
	size_t nexpected_children;
	ug_profile_ioc *iocs;     /* known public IOCs */
	size_t niocs;
} ug_profile;

/* Load a profile by name (NAME.yml in dirs, NULL-terminated; NULL = the
 * installed data dir then ./profiles) or by path. */
int ug_profile_load(ug_profile **out, const char *name_or_path, const char *const *dirs,
                    ug_error *err);
/* An empty profile (for ad-hoc hunts). */
int ug_profile_new(ug_profile **out, ug_error *err);
/* Add ad-hoc values: NULL-terminated lists (any may be NULL); product
 * replaces the name when non-NULL. */
int ug_profile_add(ug_profile *p, const char *product, const char *const *updaters,
                   const char *const *update_hosts, const char *const *install_dirs,
                   ug_error *err);
/* UG_OK when the profile can drive a hunt (an updater or an update host at least). */
int ug_profile_check(const ug_profile *p, ug_error *err);
void ug_profile_free(ug_profile *p);

/* Matching (case-insensitive). */
bool ug_profile_is_updater(const ug_profile *p, ug_sv image);
bool ug_profile_is_update_host(const ug_profile *p, ug_sv host);
bool ug_profile_in_install_dir(const ug_profile *p, ug_sv path);
/* Region of an update host from the server map, or NULL. */
const char *ug_profile_region(const ug_profile *p, ug_sv host);
/* Case-insensitive glob: '*' any run, '?' one character. */
bool ug_glob_match_nocase(ug_sv pattern, ug_sv text);

#endif
