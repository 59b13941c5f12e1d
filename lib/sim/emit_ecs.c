/* emit_ecs.c — endpoint events as Winlogbeat 8 writes them (one JSON object
 * per line, the shape of its "collection" output before any ingest pipeline):
 * @timestamp, event.{action,code,kind,provider}, host.name, log.level,
 * winlog.{channel,computer_name,event_data,event_id,opcode,process,
 * provider_guid,provider_name,record_id,task,user,version}, plus the ECS
 * process.* fields the sysmon module derives. The rendered `message` is left
 * out (drop_fields: [message] is a common setting) to keep files smaller. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

typedef struct ecs_state {
	sim_out out;
} ecs_state;

static int ecs_open(sim_writer *w, sim_run *r)
{
	ecs_state *s = calloc(1, sizeof(*s));
	if (!s)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
	w->state = s;
	return sim_out_open(&s->out, r->out_dir, "winlogbeat/winlogbeat.ndjson", r->err);
}

static void put_name(ug_buf *b, const char *path)
{
	const char *s = strrchr(path, '\\');
	sim_put_json(b, s ? s + 1 : path);
}

static void ecs_process(ug_buf *b, const sim_host *h, const sim_ev *e)
{
	char g[48];
	SIM_PUTL(b, ",\"process\":{");
	if (e->type == SE_PROC_START) {
		SIM_PUTL(b, "\"command_line\":");
		sim_put_json(b, e->proc.cmdline);
		SIM_PUTL(b, ",");
	}
	SIM_PUTL(b, "\"entity_id\":\"");
	sim_put(b, g, sim_fmt_guid(g, h, &e->proc, true));
	SIM_PUTL(b, "\",\"executable\":");
	sim_put_json(b, e->proc.image);
	SIM_PUTL(b, ",\"name\":");
	put_name(b, e->proc.image);
	if (e->type == SE_PROC_START) {
		const sim_proc *pp = &e->u.start.parent;
		SIM_PUTL(b, ",\"parent\":{\"command_line\":");
		sim_put_json(b, pp->cmdline);
		SIM_PUTL(b, ",\"entity_id\":\"");
		sim_put(b, g, sim_fmt_guid(g, h, pp, true));
		SIM_PUTL(b, "\",\"executable\":");
		sim_put_json(b, pp->image);
		SIM_PUTL(b, ",\"name\":");
		put_name(b, pp->image);
		SIM_PUTL(b, ",\"pid\":");
		sim_put_u64(b, pp->pid);
		SIM_PUTL(b, "}");
	}
	SIM_PUTL(b, ",\"pid\":");
	sim_put_u64(b, e->proc.pid);
	SIM_PUTL(b, "}");
}

static void ecs_emit(sim_writer *w, sim_run *r, const sim_ev *e)
{
	if (e->type >= SE__ENDPOINT_END)
		return;
	ecs_state *s = w->state;
	ug_buf *b = &s->out.buf;
	const sim_host *h = &r->hosts[e->host];
	sim_wininfo wi;
	sim_win_info(e, &wi);
	char tmp[48];
	SIM_PUTL(b, "{\"@timestamp\":\"");
	sim_put(b, tmp, sim_fmt_iso(tmp, sim_win_created(e), 7));
	SIM_PUTL(b, "\",\"agent\":{\"id\":\"");
	sim_put(b, h->agent_id, strlen(h->agent_id));
	SIM_PUTL(b, "\",\"name\":\"");
	sim_put(b, h->name, strlen(h->name));
	SIM_PUTL(b, "\",\"type\":\"winlogbeat\",\"version\":\"8.12.2\"},\"ecs\":{\"version\":\"8.0.0\"},\"event\":{");
	if (wi.task) {
		SIM_PUTL(b, "\"action\":\"");
		sim_put(b, wi.task, strlen(wi.task));
		SIM_PUTL(b, "\",");
	}
	SIM_PUTL(b, "\"code\":\"");
	sim_put_u64(b, wi.event_id);
	SIM_PUTL(b, "\",\"kind\":\"event\",");
	if (wi.channel == 1)
		SIM_PUTL(b, "\"outcome\":\"success\",");
	SIM_PUTL(b, "\"provider\":\"");
	const char *prov = sim_win_provider(wi.channel);
	sim_put(b, prov, strlen(prov));
	SIM_PUTL(b, "\"},\"host\":{\"name\":\"");
	sim_put(b, h->lname, strlen(h->lname));
	SIM_PUTL(b, "\"},\"log\":{\"level\":\"information\"}");
	if ((wi.channel == 0 && e->type < SE_WMI_FILTER) || e->type == SE_DNS || e->type == SE_FILE_EXE)
		ecs_process(b, h, e);
	SIM_PUTL(b, ",\"winlog\":{\"channel\":\"");
	const char *ch = sim_win_channel(wi.channel);
	sim_put(b, ch, strlen(ch));
	SIM_PUTL(b, "\",\"computer_name\":\"");
	sim_put(b, h->fqdn, strlen(h->fqdn));
	SIM_PUTL(b, "\",\"event_data\":{");
	sim_win_event_data(r, b, e, true);
	SIM_PUTL(b, "},\"event_id\":\"");
	sim_put_u64(b, wi.event_id);
	SIM_PUTL(b, "\",");
	if (wi.channel == 1)
		SIM_PUTL(b, "\"keywords\":[\"Audit Success\"],");
	SIM_PUTL(b, "\"opcode\":\"Info\",\"process\":{\"pid\":");
	uint32_t pid = wi.channel == 0 ? h->sysmon_pid : wi.channel == 1 ? h->p_lsass.pid : h->p_services.pid;
	sim_put_u64(b, pid);
	SIM_PUTL(b, ",\"thread\":{\"id\":");
	sim_put_u64(b, 4 * (uint64_t)(400 + (uint32_t)(e->record * 40503u % 1800)));
	SIM_PUTL(b, "}},\"provider_guid\":\"");
	const char *pg = sim_win_provider_guid(wi.channel);
	sim_put(b, pg, strlen(pg));
	SIM_PUTL(b, "\",\"provider_name\":\"");
	sim_put(b, prov, strlen(prov));
	SIM_PUTL(b, "\",\"record_id\":");
	sim_put_u64(b, e->record);
	if (wi.task) {
		SIM_PUTL(b, ",\"task\":\"");
		sim_put(b, wi.task, strlen(wi.task));
		SIM_PUTL(b, "\"");
	}
	if (wi.channel == 0)
		SIM_PUTL(b, ",\"user\":{\"domain\":\"NT AUTHORITY\",\"identifier\":\"S-1-5-18\",\"name\":\"SYSTEM\",\"type\":\"Well Known Group\"}");
	else if (wi.channel == 2)
		SIM_PUTL(b, ",\"user\":{\"identifier\":\"S-1-5-18\"}");
	SIM_PUTL(b, ",\"version\":");
	sim_put_u64(b, wi.version);
	SIM_PUTL(b, "}}\n");
	w->lines++;
	sim_out_flush_if(&s->out);
}

void sim_writer_ecs(sim_writer *w)
{
	memset(w, 0, sizeof(*w));
	w->fmt = UG_SIM_FMT_ECS;
	w->open = ecs_open;
	w->emit = ecs_emit;
	w->close = sim_writer_close_single;
}
