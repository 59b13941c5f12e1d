/* emit_flat.c — endpoint events as NXLog im_msvistalog + Logstash write them
 * (the OTRF Security-Datasets shape): one flat JSON object per line with the
 * EventData fields at top level next to Hostname, EventID, Channel,
 * SourceName, RecordNumber, EventTime (local time of the collection zone,
 * named in truth.json), EventReceivedTime and a UTC @timestamp. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

typedef struct flat_state {
	sim_out out;
	int64_t off_hour; /* hour (UTC seconds / 3600) of the cached offset */
	int32_t off;
} flat_state;

static int flat_open(sim_writer *w, sim_run *r)
{
	flat_state *s = calloc(1, sizeof(*s));
	if (!s)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
	s->off_hour = INT64_MIN;
	w->state = s;
	return sim_out_open(&s->out, r->out_dir, "nxlog/sysmon-security.json", r->err);
}

static ug_time local(sim_run *r, flat_state *s, ug_time t)
{
	int64_t hour = t / UG_NS_PER_HOUR;
	if (hour != s->off_hour) {
		s->off_hour = hour;
		s->off = ug_tz_offset_at_utc(r->flat_tz, t / UG_NS_PER_SEC);
	}
	return t + (ug_time)s->off * UG_NS_PER_SEC;
}

static void flat_emit(sim_writer *w, sim_run *r, const sim_ev *e)
{
	if (e->type >= SE__ENDPOINT_END)
		return;
	flat_state *s = w->state;
	ug_buf *b = &s->out.buf;
	const sim_host *h = &r->hosts[e->host];
	sim_wininfo wi;
	sim_win_info(e, &wi);
	char tmp[48];
	ug_time created = sim_win_created(e);
	ug_time received = created + (ug_time)(1 + e->record % 3) * UG_NS_PER_SEC;
	const char *prov = sim_win_provider(wi.channel);
	SIM_PUTL(b, "{\"EventTime\":\"");
	sim_put(b, tmp, sim_fmt_plain(tmp, local(r, s, created)));
	SIM_PUTL(b, "\",\"Hostname\":\"");
	sim_put(b, h->fqdn, strlen(h->fqdn));
	SIM_PUTL(b, "\",\"Keywords\":");
	if (wi.channel == 1)
		SIM_PUTL(b, "-9214364837600034816");
	else if (wi.channel == 2)
		SIM_PUTL(b, "-9187343239835811840");
	else
		SIM_PUTL(b, "-9223372036854775808");
	bool own_type = e->type == SE_REG_KEY || e->type == SE_REG_SET || (e->type >= SE_WMI_FILTER && e->type <= SE_WMI_BINDING);
	if (own_type)
		SIM_PUTL(b, ",\"EventTypeOrignal\":\"INFO\"");
	else if (wi.channel == 1)
		SIM_PUTL(b, ",\"EventType\":\"AUDIT_SUCCESS\"");
	else
		SIM_PUTL(b, ",\"EventType\":\"INFO\"");
	SIM_PUTL(b, ",\"SeverityValue\":2,\"Severity\":\"INFO\",\"EventID\":");
	sim_put_u64(b, wi.event_id);
	SIM_PUTL(b, ",\"SourceName\":\"");
	sim_put(b, prov, strlen(prov));
	SIM_PUTL(b, "\",\"ProviderGuid\":\"");
	const char *pg = sim_win_provider_guid(wi.channel);
	sim_put(b, pg, strlen(pg));
	SIM_PUTL(b, "\",\"Version\":");
	sim_put_u64(b, wi.version);
	SIM_PUTL(b, ",\"Task\":");
	sim_put_u64(b, wi.task_id);
	SIM_PUTL(b, ",\"OpcodeValue\":0,\"RecordNumber\":");
	sim_put_u64(b, e->record);
	SIM_PUTL(b, ",\"ExecutionProcessID\":");
	sim_put_u64(b, wi.channel == 0 ? h->sysmon_pid : wi.channel == 1 ? h->p_lsass.pid : h->p_services.pid);
	SIM_PUTL(b, ",\"ThreadID\":");
	sim_put_u64(b, 4 * (uint64_t)(400 + (uint32_t)(e->record * 40503u % 1800)));
	SIM_PUTL(b, ",\"Channel\":\"");
	const char *ch = sim_win_channel(wi.channel);
	sim_put(b, ch, strlen(ch));
	SIM_PUTL(b, "\"");
	if (wi.channel == 0)
		SIM_PUTL(b, ",\"Domain\":\"NT AUTHORITY\",\"AccountName\":\"SYSTEM\",\"UserID\":\"S-1-5-18\",\"AccountType\":\"User\"");
	SIM_PUTL(b, ",\"Category\":\"");
	sim_put(b, wi.task ? wi.task : "None", strlen(wi.task ? wi.task : "None"));
	SIM_PUTL(b, "\",\"Opcode\":\"Info\",\"EventReceivedTime\":\"");
	sim_put(b, tmp, sim_fmt_plain(tmp, local(r, s, received)));
	SIM_PUTL(b, "\",\"SourceModuleName\":\"eventlog\",\"SourceModuleType\":\"im_msvistalog\",\"@timestamp\":\"");
	sim_put(b, tmp, sim_fmt_iso(tmp, received + 400 * UG_NS_PER_SEC / 1000, 3));
	SIM_PUTL(b, "\",");
	sim_win_event_data(r, b, e, false);
	SIM_PUTL(b, "}\n");
	w->lines++;
	sim_out_flush_if(&s->out);
}

void sim_writer_flat(sim_writer *w)
{
	memset(w, 0, sizeof(*w));
	w->fmt = UG_SIM_FMT_FLAT;
	w->open = flat_open;
	w->emit = flat_emit;
	w->close = sim_writer_close_single;
}
