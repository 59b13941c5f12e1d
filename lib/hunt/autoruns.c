/* autoruns.c — the Windows auto-start extension points (ASEPs) a piece of
 * malware writes to come back after a reboot, as registry key patterns with
 * their ATT&CK technique.
 *
 * The table is the public knowledge the analyst's tools share (Sysinternals
 * Autoruns' locations, the ATT&CK "Boot or Logon Autostart Execution" and
 * "Event Triggered Execution" techniques), not anything one simulator writes:
 * a key written after a delivery that matches one of these is persistence,
 * whatever the product or the malware. Whether it is evidence is then the
 * baseline's call (normal updates and IT software write some of these too).
 *
 * Keys are matched in the form hu_norm_path/norm_reg give them: lower case,
 * backslashes, user SIDs as '*'. An entry matches when the key holds `at`
 * and, when given, one of `then` after it (`at` then ends in a backslash,
 * which `then` starts with).
 */
#include <string.h>

#include "hunt/hunt_int.h"

#define THEN_MAX 4

typedef struct asep {
	const char *at;
	const char *then[THEN_MAX]; /* NULL-terminated; none = `at` alone is enough */
	bool user_hive;              /* only under a user's hive (HKCU / HKU) */
	hu_asep info;
} asep;

static const asep table[] = {
	{"\\currentversion\\run\\", {NULL}, false, {"Run key", "T1547.001"}},
	{"\\currentversion\\runonce\\", {NULL}, false, {"RunOnce key", "T1547.001"}},
	{"\\currentversion\\runonceex\\", {NULL}, false, {"RunOnceEx key", "T1547.001"}},
	{"\\currentversion\\runservices\\", {NULL}, false, {"RunServices key", "T1547.001"}},
	{"\\currentversion\\runservicesonce\\", {NULL}, false, {"RunServicesOnce key", "T1547.001"}},
	{"\\policies\\explorer\\run\\", {NULL}, false, {"Run key (policy)", "T1547.001"}},
	{"\\windows nt\\currentversion\\winlogon\\",
	 {"\\shell", "\\userinit", "\\notify", "\\taskman"}, false, {"Winlogon helper", "T1547.004"}},
	{"\\image file execution options\\", {"\\debugger", "\\globalflag"}, false,
	 {"Image File Execution Options debugger", "T1546.012"}},
	{"\\silentprocessexit\\", {"\\monitorprocess", NULL}, false,
	 {"silent process exit monitor", "T1546.012"}},
	{"\\windows nt\\currentversion\\windows\\", {"\\appinit_dlls", NULL}, false,
	 {"AppInit DLLs", "T1546.010"}},
	{"\\windows nt\\currentversion\\windows\\", {"\\load", "\\run"}, false,
	 {"Windows load/run value", "T1547.001"}},
	{"\\software\\classes\\clsid\\", {"\\inprocserver32", "\\localserver32", "\\treatas"}, true,
	 {"COM object hijack", "T1546.015"}},
	{"\\active setup\\installed components\\", {"\\stubpath", NULL}, false,
	 {"Active Setup", "T1547.014"}},
	{"\\control\\lsa\\", {"\\authentication packages", NULL}, false,
	 {"LSA authentication package", "T1547.002"}},
	{"\\control\\lsa\\", {"\\security packages", NULL}, false, {"LSA security package", "T1547.005"}},
	{"\\control\\lsa\\", {"\\notification packages", NULL}, false,
	 {"LSA password filter", "T1556.002"}},
	{"\\control\\print\\monitors\\", {"\\driver", NULL}, false, {"port monitor", "T1547.010"}},
	{"\\control\\timeproviders\\", {"\\dllname", NULL}, false, {"time provider", "T1547.003"}},
	{"\\control\\session manager\\", {"\\bootexecute", NULL}, false, {"BootExecute", "T1547.001"}},
	{"\\software\\microsoft\\netsh\\", {NULL}, false, {"netsh helper DLL", "T1546.007"}},
	{"\\explorer\\user shell folders\\", {"\\startup", "\\common startup"}, false,
	 {"Startup folder redirected", "T1547.001"}},
	{"\\explorer\\shell folders\\", {"\\startup", "\\common startup"}, false,
	 {"Startup folder redirected", "T1547.001"}},
	{"\\command processor\\", {"\\autorun", NULL}, false, {"cmd.exe AutoRun", "T1546"}},
	{"\\control panel\\desktop\\", {"\\scrnsave.exe", NULL}, true, {"screensaver", "T1546.002"}},
	{"\\office test\\special\\perf", {NULL}, false, {"Office test DLL", "T1137.002"}},
	{"\\environment\\", {"\\userinitmprlogonscript", NULL}, true, {"logon script", "T1037.001"}},
};

static bool user_hive(const char *key)
{
	return !strncmp(key, "hkcu\\", 5) || !strncmp(key, "hku\\", 4) ||
	       !strncmp(key, "hkey_current_user\\", 18) || !strncmp(key, "hkey_users\\", 11) ||
	       strstr(key, "\\registry\\user\\") != NULL;
}

const hu_asep *hu_asep_of_key(const char *key)
{
	for (size_t i = 0; i < UG_ARRAY_LEN(table); i++) {
		const asep *a = &table[i];
		const char *at = strstr(key, a->at);
		if (!at || (a->user_hive && !user_hive(key)))
			continue;
		if (!a->then[0])
			return &a->info;
		for (size_t k = 0; k < THEN_MAX && a->then[k]; k++)
			if (strstr(at + strlen(a->at) - 1, a->then[k]))
				return &a->info;
	}
	return NULL;
}

bool hu_is_startup_folder(const char *path)
{
	return strstr(path, "\\start menu\\programs\\startup\\") != NULL;
}
