/* emit_dhcp.c — the Windows DHCP Server audit log, one server per region:
 * DhcpSrvLog-<Day>.log files (local time of the server's zone, a file per
 * weekday; runs longer than a week go to week<N>/ folders) with the server's
 * header block and CSV lines
 *   ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name,
 *   TransactionID,QResult,Probationtime,CorrelationID,Dhcid,VendorClass(Hex),
 *   VendorClass(ASCII),UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError
 * with CRLF line ends as the server writes them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

static const char header[] =
	"\t\tMicrosoft DHCP Service Activity Log\r\n\r\n\r\n"
	"Event ID  Meaning\r\n"
	"00\tThe log was started.\r\n"
	"01\tThe log was stopped.\r\n"
	"02\tThe log was temporarily paused due to low disk space.\r\n"
	"10\tA new IP address was leased to a client.\r\n"
	"11\tA lease was renewed by a client.\r\n"
	"12\tA lease was released by a client.\r\n"
	"13\tAn IP address was found to be in use on the network.\r\n"
	"14\tA lease request could not be satisfied because the scope's address pool was exhausted.\r\n"
	"15\tA lease was denied.\r\n"
	"16\tA lease was deleted.\r\n"
	"17\tA lease was expired and DNS records for an expired leases have not been deleted.\r\n"
	"18\tA lease was expired and DNS records were deleted.\r\n"
	"20\tA BOOTP address was leased to a client.\r\n"
	"21\tA dynamic BOOTP address was leased to a client.\r\n"
	"22\tA BOOTP request could not be satisfied because the scope's address pool for BOOTP was exhausted.\r\n"
	"23\tA BOOTP IP address was deleted after checking to see it was not in use.\r\n"
	"24\tIP address cleanup operation has began.\r\n"
	"25\tIP address cleanup statistics.\r\n"
	"30\tDNS update request to the named DNS server.\r\n"
	"31\tDNS update failed.\r\n"
	"32\tDNS update successful.\r\n"
	"33\tPacket dropped due to NAP policy.\r\n"
	"34\tDNS update request failed.as the DNS update request queue limit exceeded.\r\n"
	"35\tDNS update request failed.\r\n"
	"36\tPacket dropped because the server is in failover standby role or the hash of the client ID does not match.\r\n"
	"50+\tCodes above 50 are used for Rogue Server Detection information.\r\n\r\n"
	"QResult: 0: NoQuarantine, 1:Quarantine, 2:Drop Packet, 3:Probation,6:No Quarantine Information ProbationTime:Year-Month-Day Hour:Minute:Second:MilliSecond.\r\n\r\n"
	"ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name, TransactionID, QResult,Probationtime, CorrelationID,Dhcid,VendorClass(Hex),VendorClass(ASCII),UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError.\r\n";

typedef struct dhcp_region {
	sim_out out;
	int64_t day; /* local day number of the open file */
} dhcp_region;

typedef struct dhcp_state {
	dhcp_region reg[SIM_MAX_REGIONS];
	uint64_t bytes;
} dhcp_state;

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static int dhcp_open(sim_writer *w, sim_run *r)
{
	dhcp_state *s = calloc(1, sizeof(*s));
	if (!s)
		return ug_error_set(r->err, UG_ERR_NOMEM, "out of memory");
	for (int i = 0; i < SIM_MAX_REGIONS; i++)
		s->reg[i].day = INT64_MIN;
	w->state = s;
	return UG_OK;
}

static void put_date_time(ug_buf *b, ug_time local)
{
	sim_civil c;
	sim_civil_from_time(local, &c);
	char t[24];
	snprintf(t, sizeof(t), "%02d/%02d/%02d,%02d:%02d:%02d", c.month, c.day, c.year % 100, c.hour,
	         c.min, c.sec);
	sim_put(b, t, strlen(t));
}

static int switch_file(sim_writer *w, sim_run *r, dhcp_state *s, uint32_t g, int64_t day, ug_time local)
{
	dhcp_region *dr = &s->reg[g];
	if (dr->out.f) {
		int rc = sim_out_close(&dr->out, r->err);
		s->bytes += dr->out.bytes;
		if (rc != UG_OK)
			return rc;
	}
	dr->day = day;
	sim_civil c;
	sim_civil_from_time(local, &c);
	int64_t first = (r->t_start + (ug_time)sim_region_offset(r, &r->regions[g], r->t_start) * UG_NS_PER_SEC) / UG_NS_PER_DAY;
	char name[96];
	if (r->cfg->days > 7)
		snprintf(name, sizeof(name), "dhcp/%s/week%" PRId64 "/DhcpSrvLog-%s.log",
		         r->regions[g].dhcp_name, (day - first) / 7 + 1, wdays[c.wday]);
	else
		snprintf(name, sizeof(name), "dhcp/%s/DhcpSrvLog-%s.log", r->regions[g].dhcp_name, wdays[c.wday]);
	int rc = sim_out_open(&dr->out, r->out_dir, name, r->err);
	if (rc != UG_OK)
		return rc;
	ug_buf *b = &dr->out.buf;
	sim_put(b, header, sizeof(header) - 1);
	ug_time midnight = day * UG_NS_PER_DAY;
	SIM_PUTL(b, "00,");
	put_date_time(b, midnight + 2 * UG_NS_PER_SEC);
	SIM_PUTL(b, ",Started,,,,,0,6,,,,,,,,,0\r\n24,");
	put_date_time(b, midnight + 7 * UG_NS_PER_SEC);
	SIM_PUTL(b, ",Database Cleanup Begin,,,,,0,6,,,,,,,,,0\r\n25,");
	put_date_time(b, midnight + 8 * UG_NS_PER_SEC);
	SIM_PUTL(b, ",0 leases expired and 0 leases deleted,,,,,0,6,,,,,,,,,0\r\n");
	w->lines += 3;
	return UG_OK;
}

static void dhcp_emit(sim_writer *w, sim_run *r, const sim_ev *e)
{
	if (e->type != SE_DHCP)
		return;
	dhcp_state *s = w->state;
	const sim_host *h = &r->hosts[e->host];
	uint32_t g = h->region;
	ug_time local = e->ts + (ug_time)sim_region_offset(r, &r->regions[g], e->ts) * UG_NS_PER_SEC;
	int64_t day = local / UG_NS_PER_DAY;
	if (day != s->reg[g].day && switch_file(w, r, s, g, day, local) != UG_OK) {
		r->failed = true;
		return;
	}
	ug_buf *b = &s->reg[g].out.buf;
	uint8_t id = e->u.dhcp.id;
	static const char *const desc[] = {[10] = "Assign", [11] = "Renew", [12] = "Release",
	                                   [30] = "DNS Update Request", [32] = "DNS Update Successful"};
	char tmp[16];
	sim_put(b, tmp, sim_fmt_u64(tmp, id));
	SIM_PUTL(b, ",");
	put_date_time(b, local);
	SIM_PUTL(b, ",");
	sim_put(b, desc[id], strlen(desc[id]));
	SIM_PUTL(b, ",");
	sim_put_ip4(b, e->u.dhcp.ip);
	SIM_PUTL(b, ",");
	sim_put(b, h->fqdn, strlen(h->fqdn));
	SIM_PUTL(b, ",");
	if (id >= 30) {
		SIM_PUTL(b, ",,0,6,,,,,,,,,0\r\n");
	} else {
		sim_put(b, h->mac_str, 12);
		SIM_PUTL(b, ",,");
		sim_put_u64(b, e->u.dhcp.txid);
		SIM_PUTL(b, ",0,,,,0x4D53465420352E30,MSFT 5.0,,,,0\r\n");
	}
	w->lines++;
	sim_out_flush_if(&s->reg[g].out);
}

static int dhcp_close(sim_writer *w, sim_run *r)
{
	dhcp_state *s = w->state;
	if (!s)
		return UG_OK;
	int rc = UG_OK;
	for (int i = 0; i < SIM_MAX_REGIONS; i++)
		if (s->reg[i].out.f) {
			int rc2 = sim_out_close(&s->reg[i].out, r->err);
			s->bytes += s->reg[i].out.bytes;
			if (rc == UG_OK)
				rc = rc2;
		}
	w->bytes = s->bytes;
	free(s);
	w->state = NULL;
	return rc;
}

void sim_writer_dhcp(sim_writer *w)
{
	memset(w, 0, sizeof(*w));
	w->fmt = UG_SIM_FMT_DHCP;
	w->open = dhcp_open;
	w->emit = dhcp_emit;
	w->close = dhcp_close;
}
