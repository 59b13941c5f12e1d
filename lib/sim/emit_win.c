/* emit_win.c — the EventData of every Windows event the simulator produces,
 * with Sysmon's and the Security/System logs' own field names, order and
 * value formats (UtcTime "2026-01-20 10:00:00.123", GUIDs in braces, Hashes
 * "MD5=...,SHA256=...,IMPHASH=...", "true"/"false" strings). The ECS writer
 * nests it under winlog.event_data, the flat writer puts it at top level. */
#include <string.h>

#include "sim/sim_int.h"

static const char *const channels[] = {"Microsoft-Windows-Sysmon/Operational", "Security", "System"};
static const char *const providers[] = {"Microsoft-Windows-Sysmon", "Microsoft-Windows-Security-Auditing",
                                        "Service Control Manager"};
static const char *const provider_guids[] = {"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
                                             "{54849625-5478-4994-A5BA-3E3B0328C30D}",
                                             "{555908d1-a6d7-4695-8e1e-26931d2012f4}"};

const char *sim_win_channel(int c) { return channels[c]; }
const char *sim_win_provider(int c) { return providers[c]; }
const char *sim_win_provider_guid(int c) { return provider_guids[c]; }

/* event id, version, channel, task, task id */
#define WI(id, ver, ch, task_name, tid)                                      \
	{                                                                    \
		.event_id = (id), .version = (ver), .channel = (ch),         \
		.task = (task_name), .task_id = (tid)                        \
	}

void sim_win_info(const sim_ev *e, sim_wininfo *wi)
{
	static const sim_wininfo tab[SE__ENDPOINT_END] = {
		[SE_PROC_START] = WI(1, 5, 0, "Process Create (rule: ProcessCreate)", 1),
		[SE_PROC_END] = WI(5, 3, 0, "Process terminated (rule: ProcessTerminate)", 5),
		[SE_NET_CONNECT] = WI(3, 5, 0, "Network connection detected (rule: NetworkConnect)", 3),
		[SE_IMAGE_LOAD] = WI(7, 3, 0, "Image loaded (rule: ImageLoad)", 7),
		[SE_FILE_CREATE] = WI(11, 2, 0, "File created (rule: FileCreate)", 11),
		[SE_REG_KEY] = WI(12, 2, 0, "Registry object added or deleted (rule: RegistryEvent)", 12),
		[SE_REG_SET] = WI(13, 2, 0, "Registry value set (rule: RegistryEvent)", 13),
		[SE_WMI_FILTER] = WI(19, 3, 0, "WmiEventFilter activity detected (rule: WmiEvent)", 19),
		[SE_WMI_CONSUMER] = WI(20, 3, 0, "WmiEventConsumer activity detected (rule: WmiEvent)", 20),
		[SE_WMI_BINDING] = WI(21, 3, 0, "WmiEventConsumerToFilter activity detected (rule: WmiEvent)", 21),
		[SE_DNS] = WI(22, 5, 0, "Dns query (rule: DnsQuery)", 22),
		[SE_FILE_EXE] = WI(29, 5, 0, "File Executable Detected (rule: FileExecutableDetected)", 29),
		[SE_LOGON] = WI(4624, 2, 1, "Logon", 12544),
		[SE_TASK_CREATED] = WI(4698, 1, 1, "Other Object Access Events", 12804),
		[SE_SERVICE_INSTALLED] = WI(7045, 0, 2, NULL, 0),
	};
	*wi = tab[e->type];
}
#undef WI

ug_time sim_win_created(const sim_ev *e)
{
	if (e->type >= SE_LOGON)
		return e->ts;
	return e->ts + (ug_time)(100 + (e->record * 2654435761u) % 9000) * 1000 + (e->record % 7) * 100;
}

size_t sim_fmt_guid(char *out, const sim_host *h, const sim_proc *p, bool upper)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	uint32_t a = h->machine_id;
	uint32_t t = p->start_sec;
	char *o = out;
	*o++ = '{';
	for (int i = 7; i >= 0; i--)
		*o++ = d[(a >> (i * 4)) & 15];
	*o++ = '-';
	for (int i = 3; i >= 0; i--)
		*o++ = d[(t >> (i * 4)) & 15];
	*o++ = '-';
	for (int i = 7; i >= 4; i--)
		*o++ = d[(t >> (i * 4)) & 15];
	*o++ = '-';
	uint16_t c = p->ctr;
	*o++ = d[(c >> 4) & 15];
	*o++ = d[c & 15];
	*o++ = d[(c >> 12) & 15];
	*o++ = d[(c >> 8) & 15];
	*o++ = '-';
	uint64_t tail = h->guid_tail;
	for (int i = 11; i >= 0; i--)
		*o++ = d[(tail >> (i * 4)) & 15];
	*o++ = '}';
	return (size_t)(o - out);
}

/* ---- field writers ---- */

static inline void key(ug_buf *b, const char *k, size_t n)
{
	if (UG_UNLIKELY(b->len + n + 5 > b->cap) && !ug_buf_reserve(b, n + 4))
		return;
	char *p = b->p + b->len;
	*p++ = ',';
	*p++ = '"';
	memcpy(p, k, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	b->len = (size_t)(p - b->p);
	b->p[b->len] = '\0';
}
#define KEY(b, lit) key((b), (lit), sizeof(lit) - 1)

static void fs(ug_buf *b, const char *k, size_t kn, const char *v)
{
	key(b, k, kn);
	sim_put_json(b, v ? v : "-");
}
#define FS(b, lit, v) fs((b), (lit), sizeof(lit) - 1, (v))

static void fraw(ug_buf *b, const char *k, size_t kn, const char *v, size_t vn)
{
	key(b, k, kn);
	if (UG_UNLIKELY(b->len + vn + 3 > b->cap) && !ug_buf_reserve(b, vn + 2))
		return;
	char *p = b->p + b->len;
	*p++ = '"';
	memcpy(p, v, vn);
	p += vn;
	*p++ = '"';
	b->len = (size_t)(p - b->p);
	b->p[b->len] = '\0';
}
#define FRAW(b, lit, v, n) fraw((b), (lit), sizeof(lit) - 1, (v), (n))

static void fnum(ug_buf *b, const char *k, size_t kn, uint64_t v)
{
	char tmp[24];
	fraw(b, k, kn, tmp, sim_fmt_u64(tmp, v));
}
#define FNUM(b, lit, v) fnum((b), (lit), sizeof(lit) - 1, (v))

static void fhex(ug_buf *b, const char *k, size_t kn, uint64_t v)
{
	char tmp[24] = "0x";
	static const char d[] = "0123456789abcdef";
	char rev[20];
	int n = 0;
	do {
		rev[n++] = d[v & 15];
		v >>= 4;
	} while (v);
	for (int i = 0; i < n; i++)
		tmp[2 + i] = rev[n - 1 - i];
	fraw(b, k, kn, tmp, (size_t)n + 2);
}
#define FHEX(b, lit, v) fhex((b), (lit), sizeof(lit) - 1, (v))

static void ftime(ug_buf *b, const char *k, size_t kn, ug_time t)
{
	char tmp[32];
	fraw(b, k, kn, tmp, sim_fmt_sysmon(tmp, t));
}
#define FTIME(b, lit, t) ftime((b), (lit), sizeof(lit) - 1, (t))

static void fguid(ug_buf *b, const char *k, size_t kn, const sim_host *h, const sim_proc *p, bool up)
{
	char tmp[48];
	fraw(b, k, kn, tmp, sim_fmt_guid(tmp, h, p, up));
}
#define FGUID(b, lit, h, p, up) fguid((b), (lit), sizeof(lit) - 1, (h), (p), (up))

static void fip(ug_buf *b, const char *k, size_t kn, uint32_t ip)
{
	char tmp[16];
	fraw(b, k, kn, tmp, sim_fmt_ip4(tmp, ip));
}
#define FIP(b, lit, ip) fip((b), (lit), sizeof(lit) - 1, (ip))

static const char *const integrity[] = {"System", "High", "Medium", "Low"};

static uint32_t logon_id(const sim_host *h, const sim_proc *p)
{
	switch (p->user) {
	case SIM_USER_LOCAL_SERVICE: return 0x3e5;
	case SIM_USER_NETWORK_SERVICE: return 0x3e4;
	case SIM_USER_PRIMARY: return h->logon_id;
	default: return 0x3e7;
	}
}

static void logon_guid(ug_buf *b, const sim_host *h, const sim_proc *p, bool up)
{
	sim_proc lg = {.start_sec = logon_id(h, p) * 2654435761u, .ctr = (uint16_t)logon_id(h, p)};
	sim_host hh = *h;
	hh.guid_tail = 0;
	FGUID(b, "LogonGuid", &hh, &lg, up);
}

static void rule_time_proc(ug_buf *b, const sim_run *r, const sim_ev *e, bool up)
{
	const sim_host *h = &r->hosts[e->host];
	SIM_PUTL(b, "\"RuleName\":\"-\"");
	FTIME(b, "UtcTime", e->ts);
	FGUID(b, "ProcessGuid", h, &e->proc, up);
	FNUM(b, "ProcessId", e->proc.pid);
	FS(b, "Image", e->proc.image);
}

static void user(ug_buf *b, const sim_run *r, const sim_ev *e)
{
	FS(b, "User", sim_user_name(r, &r->hosts[e->host], e->proc.user));
}

static void proc_start(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	const sim_host *h = &r->hosts[e->host];
	const sim_proc *p = &e->proc, *pp = &e->u.start.parent;
	const sim_pe *pe = p->pe;
	rule_time_proc(b, r, e, up);
	FS(b, "FileVersion", pe ? pe->file_version : "-");
	FS(b, "Description", pe ? pe->description : "-");
	FS(b, "Product", pe ? pe->product : "-");
	FS(b, "Company", pe ? pe->company : "-");
	FS(b, "OriginalFileName", pe ? pe->original_name : "-");
	FS(b, "CommandLine", p->cmdline);
	FS(b, "CurrentDirectory", p->cwd ? p->cwd : sim_sprintf(r, "%s\\", h->profile));
	user(b, r, e);
	logon_guid(b, h, p, up);
	FHEX(b, "LogonId", logon_id(h, p));
	FRAW(b, "TerminalSessionId", p->user == SIM_USER_PRIMARY ? "1" : "0", 1);
	FS(b, "IntegrityLevel", integrity[p->integrity & 3]);
	FS(b, "Hashes", pe ? pe->hashes : "-");
	FGUID(b, "ParentProcessGuid", h, pp, up);
	FNUM(b, "ParentProcessId", pp->pid);
	FS(b, "ParentImage", pp->image);
	FS(b, "ParentCommandLine", pp->cmdline);
	FS(b, "ParentUser", pp->pid == 4 ? "NT AUTHORITY\\SYSTEM" : sim_user_name(r, h, pp->user));
}

static void net_connect(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	const sim_host *h = &r->hosts[e->host];
	const sim_flow *f = e->u.net.flow;
	rule_time_proc(b, r, e, up);
	user(b, r, e);
	SIM_PUTL(b, ",\"Protocol\":\"tcp\",\"Initiated\":\"true\",\"SourceIsIpv6\":\"false\"");
	FIP(b, "SourceIp", f->cip);
	FS(b, "SourceHostname", h->fqdn);
	FNUM(b, "SourcePort", f->cport);
	SIM_PUTL(b, ",\"SourcePortName\":\"-\",\"DestinationIsIpv6\":\"false\"");
	FIP(b, "DestinationIp", f->sip);
	FS(b, "DestinationHostname", f->ptr ? f->ptr : "-");
	FNUM(b, "DestinationPort", f->sport);
	FS(b, "DestinationPortName", f->https ? "https" : "http");
}

static void dns_results(ug_buf *b, const sim_dnsq *q)
{
	KEY(b, "QueryResults");
	if (q->rcode) {
		SIM_PUTL(b, "\"-\"");
		return;
	}
	char tmp[512];
	size_t n = 0;
	if (q->qtype == 16 && q->txt) {
		n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "type:  16 %s;", q->txt);
	} else {
		if (q->cname)
			n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "type:  5 %s;", q->cname);
		for (int i = 0; i < q->nips && n < sizeof(tmp) - 32; i++) {
			memcpy(tmp + n, "::ffff:", 7);
			n += 7;
			n += sim_fmt_ip4(tmp + n, q->ips[i]);
			tmp[n++] = ';';
		}
	}
	tmp[n] = '\0';
	sim_put_json(b, tmp);
}

static void dns_query(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	const sim_host *h = &r->hosts[e->host];
	const sim_dnsq *q = e->u.dns.q;
	SIM_PUTL(b, "\"RuleName\":\"-\"");
	FTIME(b, "UtcTime", e->ts);
	FGUID(b, "ProcessGuid", h, &e->proc, up);
	FNUM(b, "ProcessId", e->proc.pid);
	FS(b, "QueryName", q->name);
	FRAW(b, "QueryStatus", q->rcode ? "9003" : "0", q->rcode ? 4 : 1);
	dns_results(b, q);
	FS(b, "Image", e->proc.image);
	user(b, r, e);
}

static void file_event(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	rule_time_proc(b, r, e, up);
	FS(b, "TargetFilename", e->u.file.path);
	FTIME(b, "CreationUtcTime", e->ts);
	user(b, r, e);
}

static void file_exe(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	const sim_host *h = &r->hosts[e->host];
	SIM_PUTL(b, "\"RuleName\":\"-\"");
	FTIME(b, "UtcTime", e->ts);
	FGUID(b, "ProcessGuid", h, &e->proc, up);
	FNUM(b, "ProcessId", e->proc.pid);
	user(b, r, e);
	FS(b, "Image", e->proc.image);
	FS(b, "TargetFilename", e->u.file.path);
	FS(b, "Hashes", e->u.file.pe ? e->u.file.pe->hashes : "-");
}

static void image_load(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	const sim_pe *pe = e->u.file.pe;
	rule_time_proc(b, r, e, up);
	FS(b, "ImageLoaded", e->u.file.path);
	FS(b, "FileVersion", pe->file_version);
	FS(b, "Description", pe->description);
	FS(b, "Product", pe->product);
	FS(b, "Company", pe->company);
	FS(b, "OriginalFileName", pe->original_name);
	FS(b, "Hashes", pe->hashes);
	FS(b, "Signed", pe->is_signed ? "true" : "false");
	FS(b, "Signature", pe->signature);
	FS(b, "SignatureStatus", pe->is_signed ? "Valid" : "Unavailable");
	user(b, r, e);
}

static void reg_event(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	const sim_host *h = &r->hosts[e->host];
	SIM_PUTL(b, "\"RuleName\":\"-\"");
	FS(b, "EventType", e->type == SE_REG_SET ? "SetValue" : "CreateKey");
	FTIME(b, "UtcTime", e->ts);
	FGUID(b, "ProcessGuid", h, &e->proc, up);
	FNUM(b, "ProcessId", e->proc.pid);
	FS(b, "Image", e->proc.image);
	FS(b, "TargetObject", e->u.reg.key);
	if (e->type == SE_REG_SET)
		FS(b, "Details", e->u.reg.details);
	user(b, r, e);
}

static void wmi_event(sim_run *r, ug_buf *b, const sim_ev *e)
{
	static const char *const types[] = {"WmiFilterEvent", "WmiConsumerEvent", "WmiBindingEvent"};
	SIM_PUTL(b, "\"RuleName\":\"-\"");
	FS(b, "EventType", types[e->type - SE_WMI_FILTER]);
	FTIME(b, "UtcTime", e->ts);
	SIM_PUTL(b, ",\"Operation\":\"Created\"");
	user(b, r, e);
	const char *n = e->u.wmi.name;
	if (e->type == SE_WMI_FILTER) {
		FS(b, "EventNamespace", "\"root\\\\cimv2\"");
		FS(b, "Name", sim_sprintf(r, "\"%s\"", n));
		FS(b, "Query", sim_sprintf(r, "\"%s\"", e->u.wmi.text));
	} else if (e->type == SE_WMI_CONSUMER) {
		FS(b, "Name", sim_sprintf(r, "\"%s\"", n));
		FS(b, "Type", "Command Line");
		FS(b, "Destination", sim_sprintf(r, "\"%s\"", e->u.wmi.text));
	} else {
		FS(b, "Consumer", sim_sprintf(r, "\"CommandLineEventConsumer.Name=\\\"%s\\\"\"", n));
		FS(b, "Filter", sim_sprintf(r, "\"__EventFilter.Name=\\\"%s\\\"\"", n));
	}
}

static void logon(sim_run *r, ug_buf *b, const sim_ev *e)
{
	const sim_host *h = &r->hosts[e->host];
	uint8_t type = e->u.logon.type;
	bool interactive = type == 2;
	SIM_PUTL(b, "\"SubjectUserSid\":\"S-1-5-18\"");
	FS(b, "SubjectUserName", sim_sprintf(r, "%s$", h->name));
	FS(b, "SubjectDomainName", r->netbios);
	SIM_PUTL(b, ",\"SubjectLogonId\":\"0x3e7\"");
	FS(b, "TargetUserSid", interactive ? h->user_sid : sim_sprintf(r, "%s-%u", r->domain_sid, 500 + e->u.logon.logon_id % 700));
	FS(b, "TargetUserName", e->u.logon.target);
	FS(b, "TargetDomainName", e->u.logon.domain);
	FHEX(b, "TargetLogonId", e->u.logon.logon_id);
	char lt[4];
	size_t ltn = sim_fmt_u64(lt, type);
	FRAW(b, "LogonType", lt, ltn);
	FS(b, "LogonProcessName", interactive ? "User32 " : "Kerberos");
	FS(b, "AuthenticationPackageName", interactive ? "Negotiate" : "Kerberos");
	FS(b, "WorkstationName", interactive ? h->name : "-");
	SIM_PUTL(b, ",\"LogonGuid\":\"{00000000-0000-0000-0000-000000000000}\",\"TransmittedServices\":\"-\",\"LmPackageName\":\"-\",\"KeyLength\":\"0\"");
	if (interactive) {
		FHEX(b, "ProcessId", h->p_winlogon.pid);
		FS(b, "ProcessName", "C:\\Windows\\System32\\svchost.exe");
		FS(b, "IpAddress", "127.0.0.1");
		FRAW(b, "IpPort", "0", 1);
	} else {
		SIM_PUTL(b, ",\"ProcessId\":\"0x0\",\"ProcessName\":\"-\"");
		FIP(b, "IpAddress", e->u.logon.ip);
		FNUM(b, "IpPort", 49152 + e->record % 16000);
	}
	SIM_PUTL(b, ",\"ImpersonationLevel\":\"%%1833\",\"RestrictedAdminMode\":\"-\",\"TargetOutboundUserName\":\"-\",\"TargetOutboundDomainName\":\"-\",\"VirtualAccount\":\"%%1843\",\"TargetLinkedLogonId\":\"0x0\",\"ElevatedToken\":\"%%1842\"");
}

static void task_xml(sim_run *r, ug_buf *b, const sim_ev *e)
{
	const sim_host *h = &r->hosts[e->host];
	char date[32];
	size_t n = sim_fmt_plain(date, e->ts);
	date[10] = 'T';
	date[n] = '\0';
	const char *author = e->u.task.system ? sim_sprintf(r, "%s\\%s$", r->netbios, h->name) : h->user_full;
	const char *xml = sim_sprintf(r,
		"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
		"<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
		"  <RegistrationInfo>\n    <Date>%s</Date>\n    <Author>%s</Author>\n    <URI>%s</URI>\n  </RegistrationInfo>\n"
		"  <Triggers>\n    <LogonTrigger>\n      <Enabled>true</Enabled>\n    </LogonTrigger>\n  </Triggers>\n"
		"  <Principals>\n    <Principal id=\"Author\">\n      <UserId>%s</UserId>\n      <RunLevel>HighestAvailable</RunLevel>\n    </Principal>\n  </Principals>\n"
		"  <Settings>\n    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n    <Enabled>true</Enabled>\n    <Hidden>false</Hidden>\n    <ExecutionTimeLimit>PT72H</ExecutionTimeLimit>\n    <Priority>7</Priority>\n  </Settings>\n"
		"  <Actions Context=\"Author\">\n    <Exec>\n      <Command>%s</Command>\n      <Arguments>%s</Arguments>\n    </Exec>\n  </Actions>\n</Task>",
		date, author, e->u.task.name, e->u.task.system ? "S-1-5-18" : h->user_sid,
		e->u.task.command, e->u.task.args ? e->u.task.args : "");
	FS(b, "TaskContent", xml);
}

static void task_created(sim_run *r, ug_buf *b, const sim_ev *e)
{
	const sim_host *h = &r->hosts[e->host];
	bool sys = e->proc.user != SIM_USER_PRIMARY;
	SIM_PUTL(b, "\"SubjectUserSid\":");
	sim_put_json(b, sys ? "S-1-5-18" : h->user_sid);
	FS(b, "SubjectUserName", sys ? sim_sprintf(r, "%s$", h->name) : h->user);
	FS(b, "SubjectDomainName", r->netbios);
	FHEX(b, "SubjectLogonId", sys ? 0x3e7 : h->logon_id);
	FS(b, "TaskName", e->u.task.name);
	task_xml(r, b, e);
}

static void service_installed(sim_run *r, ug_buf *b, const sim_ev *e)
{
	(void)r;
	SIM_PUTL(b, "\"ServiceName\":");
	sim_put_json(b, e->u.svc.name);
	FS(b, "ImagePath", e->u.svc.image_path);
	FS(b, "ServiceType", "user mode service");
	FS(b, "StartType", e->u.svc.start_type);
	FS(b, "AccountName", "LocalSystem");
}

void sim_win_event_data(sim_run *r, ug_buf *b, const sim_ev *e, bool up)
{
	switch (e->type) {
	case SE_PROC_START: proc_start(r, b, e, up); break;
	case SE_PROC_END:
		rule_time_proc(b, r, e, up);
		user(b, r, e);
		break;
	case SE_NET_CONNECT: net_connect(r, b, e, up); break;
	case SE_IMAGE_LOAD: image_load(r, b, e, up); break;
	case SE_FILE_CREATE: file_event(r, b, e, up); break;
	case SE_FILE_EXE: file_exe(r, b, e, up); break;
	case SE_REG_KEY:
	case SE_REG_SET: reg_event(r, b, e, up); break;
	case SE_WMI_FILTER:
	case SE_WMI_CONSUMER:
	case SE_WMI_BINDING: wmi_event(r, b, e); break;
	case SE_DNS: dns_query(r, b, e, up); break;
	case SE_LOGON: logon(r, b, e); break;
	case SE_TASK_CREATED: task_created(r, b, e); break;
	case SE_SERVICE_INSTALLED: service_installed(r, b, e); break;
	default: break;
	}
}
