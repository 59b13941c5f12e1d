/* names.c — plausible names drawn per seed: web domains, file names, task and
 * service names, people. Malicious artefacts and benign long-tail activity are
 * drawn from the same generators, so that no tool can tell them apart by how
 * the names look; only behaviour and prevalence separate them. */
#include <string.h>

#include "sim/sim_int.h"

static const char *const syll[] = {
	"ar", "ve", "lo", "na", "tri", "ko", "sen", "dal", "mi", "ra", "zen", "qu", "tor",
	"bel", "cor", "fin", "gal", "hex", "ion", "jun", "kel", "lum", "mor", "nex", "ori",
	"pax", "rel", "sol", "tek", "ul", "vor", "wis", "xa", "yel", "zo", "dex", "sy", "am",
};
static const char *const words[] = {
	"north", "wind", "blue", "river", "cloud", "data", "stream", "peak", "bright", "harbor",
	"summit", "maple", "cedar", "atlas", "vertex", "quantum", "pixel", "metric", "signal",
	"vector", "orbit", "nova", "prime", "rapid", "secure", "smart", "global", "open", "core",
	"link", "sync", "edge", "net", "hub", "works", "labs", "media", "point", "sphere", "grid",
	"analytics", "systems", "portal", "connect", "insight", "market", "travel", "news",
	"health", "finance", "learn", "shop", "cdn", "static", "api", "telemetry", "update",
};
static const char *const tlds[] = {
	"com", "com", "com", "com", "net", "net", "org", "io", "info", "co", "cloud", "live",
	"online", "site", "tech", "app", "biz", "in", "de", "eu",
};
static const char *const exe_stems[] = {
	"svc", "host", "upd", "mgr", "ctl", "srv", "agent", "helper", "broker", "mon", "sync",
	"launcher", "runtime", "task", "cfg", "core", "diag", "sched", "wmi", "net",
};
static const char *const first_names[] = {
	"aarav", "priya", "rahul", "ananya", "vikram", "neha", "arjun", "kavya", "lukas", "anna",
	"felix", "lea", "jonas", "mia", "james", "emily", "michael", "olivia", "david", "sophia",
	"wei", "mei", "jun", "hui", "kumar", "sarah", "thomas", "laura", "daniel", "julia",
	"hiroshi", "yuki", "pedro", "ana", "oliver", "grace", "ravi", "deepa", "max", "ella",
};
static const char *const last_names[] = {
	"sharma", "patel", "kumar", "singh", "iyer", "menon", "mueller", "schmidt", "fischer",
	"weber", "wagner", "smith", "johnson", "brown", "miller", "davis", "tan", "lim", "ng",
	"lee", "chen", "wong", "taylor", "clark", "walker", "sato", "suzuki", "silva", "costa",
	"jones", "evans", "nair", "reddy", "rao", "koch", "bauer", "hall", "young", "king",
};
static const char *const win_areas[] = {
	"Maintenance", "Diagnosis", "WindowsUpdate", "Servicing", "DiskCleanup", "Defrag",
	"NetTrace", "Registry", "Shell", "SystemRestore", "Time Synchronization", "Wininet",
	"Customer Experience Improvement Program", "Application Experience", "Power Efficiency Diagnostics",
};
static const char *const task_nouns[] = {
	"Update", "Updater", "Sync", "Maintenance", "Telemetry", "Health Check", "Helper",
	"Refresh", "Agent", "Scheduler", "Cleanup", "Monitor", "Launcher", "Core",
};
static const char *const vendor_suffix[] = {
	"", "", "Soft", "Tech", "Systems", "Labs", "ware", "Works", "IT", "Data",
};

#define PICK(r, arr) (arr)[sim_rng_below((r), (uint32_t)UG_ARRAY_LEN(arr))]

static char *adup(ug_arena *a, const char *s)
{
	return ug_arena_strdup(a, s);
}

static void cap_first(char *s)
{
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 32);
}

const char *sim_name_domain(sim_rng *r, ug_arena *a)
{
	char buf[96];
	unsigned style = sim_rng_below(r, 4);
	if (style == 0)
		snprintf(buf, sizeof(buf), "%s%s.%s", PICK(r, words), PICK(r, words), PICK(r, tlds));
	else if (style == 1)
		snprintf(buf, sizeof(buf), "%s-%s.%s", PICK(r, words), PICK(r, words), PICK(r, tlds));
	else if (style == 2)
		snprintf(buf, sizeof(buf), "%s%s%s.%s", PICK(r, syll), PICK(r, syll), PICK(r, syll),
		         PICK(r, tlds));
	else
		snprintf(buf, sizeof(buf), "%s%s%s.%s", PICK(r, words), PICK(r, syll), PICK(r, syll),
		         PICK(r, tlds));
	return adup(a, buf);
}

const char *sim_name_vendorish(sim_rng *r, ug_arena *a)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s%s%s", PICK(r, syll), PICK(r, syll), PICK(r, vendor_suffix));
	cap_first(buf);
	return adup(a, buf);
}

const char *sim_name_exe(sim_rng *r, ug_arena *a)
{
	char buf[128];
	unsigned style = sim_rng_below(r, 4);
	if (style == 0) { /* CONSCTLX.exe: upper-case run of letters */
		int n = 6 + (int)sim_rng_below(r, 3);
		for (int i = 0; i < n; i++)
			buf[i] = (char)('A' + sim_rng_below(r, 26));
		strcpy(buf + n, ".exe");
	} else if (style == 1) { /* vendorish stem: "NexUpdSvc.exe" */
		char v[32];
		snprintf(v, sizeof(v), "%s%s", PICK(r, syll), PICK(r, syll));
		cap_first(v);
		char s1[16], s2[16];
		snprintf(s1, sizeof(s1), "%s", PICK(r, exe_stems));
		snprintf(s2, sizeof(s2), "%s", PICK(r, exe_stems));
		cap_first(s1);
		cap_first(s2);
		snprintf(buf, sizeof(buf), "%s%s%s.exe", v, s1, s2);
	} else if (style == 2) { /* windows-looking lower case: "wmsvcupd.exe" */
		snprintf(buf, sizeof(buf), "%s%s%s.exe", PICK(r, syll), PICK(r, exe_stems),
		         PICK(r, exe_stems));
	} else { /* word + stem: "cloudsync.exe" */
		snprintf(buf, sizeof(buf), "%s%s.exe", PICK(r, words), PICK(r, exe_stems));
	}
	return adup(a, buf);
}

const char *sim_name_task(sim_rng *r, ug_arena *a, bool mimic_windows)
{
	char buf[128];
	if (mimic_windows) {
		char n[32];
		snprintf(n, sizeof(n), "%s", PICK(r, exe_stems));
		cap_first(n);
		snprintf(buf, sizeof(buf), "\\Microsoft\\Windows\\%s\\%s%s", PICK(r, win_areas), n,
		         PICK(r, task_nouns));
	} else {
		const char *v = sim_name_vendorish(r, a);
		unsigned style = sim_rng_below(r, 3);
		if (style == 0)
			snprintf(buf, sizeof(buf), "\\%s %s", v, PICK(r, task_nouns));
		else if (style == 1)
			snprintf(buf, sizeof(buf), "\\%s\\%s%s", v, v, PICK(r, task_nouns));
		else
			snprintf(buf, sizeof(buf), "\\%s%sTask", v, PICK(r, task_nouns));
		/* "Health Check" -> keep spaces, they are legal */
	}
	return adup(a, buf);
}

const char *sim_name_service(sim_rng *r, ug_arena *a)
{
	char buf[128];
	char s[16];
	snprintf(s, sizeof(s), "%s", PICK(r, exe_stems));
	cap_first(s);
	const char *v = sim_name_vendorish(r, a);
	snprintf(buf, sizeof(buf), "%s%s", v, s);
	return adup(a, buf);
}

const char *sim_name_person(sim_rng *r, ug_arena *a)
{
	char buf[128];
	const char *f = PICK(r, first_names), *l = PICK(r, last_names);
	if (sim_rng_chance(r, 0.5))
		snprintf(buf, sizeof(buf), "%c%s", f[0], l);
	else
		snprintf(buf, sizeof(buf), "%s.%s", f, l);
	return adup(a, buf);
}

const char *sim_name_path_word(sim_rng *r)
{
	return PICK(r, words);
}

/* Public-looking /16s of large hosting, CDN and ISP blocks; C2 servers and
 * benign sites are drawn from the same list. */
static const uint16_t public16[] = {
	0x0D6B, 0x1468, 0x17C0, 0x17D7, 0x22C8, 0x2312, 0x2DC7, 0x2F6E, 0x3406, 0x3411,
	0x34D2, 0x3633, 0x3EDA, 0x4034, 0x427F, 0x4A7D, 0x5DB8, 0x6810, 0x6812, 0x8C52,
	0x9765, 0x9DF0, 0xA2F7, 0xACD9, 0xB0E0, 0xB220, 0xB9C7, 0xC0E5, 0xC1DE, 0xC6C7,
	0xCC4F, 0xD04A, 0x2D21, 0x3325, 0x5BC3, 0x9F41,
};

uint32_t sim_public_ip(sim_rng *r)
{
	uint32_t hi = public16[sim_rng_below(r, (uint32_t)UG_ARRAY_LEN(public16))];
	uint32_t lo = 1 + sim_rng_below(r, 65533);
	if ((lo & 255) == 0 || (lo & 255) == 255)
		lo ^= 7;
	return (hi << 16) | lo;
}
