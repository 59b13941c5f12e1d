/* proc.c — processes and the endpoint events around them: Sysmon process
 * create, file, registry, image load, and the Security/System records for
 * scheduled tasks and services. Lineage is kept honest: every event names a
 * process that was started earlier on the same host. */
#include <assert.h>
#include <string.h>

#include "sim/sim_int.h"

sim_proc sim_proc_new(sim_run *r, sim_host *h, ug_time t, const char *image, const char *cmdline,
                      const sim_pe *pe, uint8_t user, uint8_t integrity)
{
	(void)r;
	sim_proc p;
	p.image = image;
	p.cmdline = cmdline ? cmdline : image;
	p.cwd = user == SIM_USER_PRIMARY ? NULL : "C:\\Windows\\system32\\";
	p.pe = pe;
	p.pid = 4u * (uint32_t)(100 + sim_rng_below(&h->rng, 6000));
	p.start_sec = (uint32_t)(t / UG_NS_PER_SEC);
	p.ctr = ++h->guid_ctr;
	p.user = user;
	p.integrity = integrity;
	return p;
}

sim_proc sim_spawn(sim_run *r, sim_host *h, ug_time t, const sim_proc *parent, const char *image,
                   const char *cmdline, const sim_pe *pe, uint8_t user, uint8_t integrity)
{
	assert(parent != NULL); /* lineage: every spawned process has a started parent */
	sim_proc p = sim_proc_new(r, h, t, image, cmdline, pe, user, integrity);
	if (user == SIM_USER_PRIMARY)
		p.cwd = parent->cwd;
	if (h->endpoint) {
		sim_ev *e = sim_push(r, SE_PROC_START, h->idx, t);
		e->proc = p;
		e->u.start.parent = *parent;
	}
	return p;
}

void sim_proc_end(sim_run *r, sim_host *h, ug_time t, const sim_proc *p)
{
	if (!h->endpoint)
		return;
	sim_ev *e = sim_push(r, SE_PROC_END, h->idx, t);
	e->proc = *p;
}

void sim_file(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *path,
              const sim_pe *exe_pe)
{
	if (!h->endpoint)
		return;
	sim_ev *e = sim_push(r, SE_FILE_CREATE, h->idx, t);
	e->proc = *p;
	e->u.file.path = path;
	e->u.file.pe = NULL;
	if (exe_pe) {
		e = sim_push(r, SE_FILE_EXE, h->idx, t + 2 * UG_NS_PER_SEC / 1000);
		e->proc = *p;
		e->u.file.path = path;
		e->u.file.pe = exe_pe;
	}
}

void sim_reg(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *key,
             const char *details)
{
	if (!h->endpoint)
		return;
	sim_ev *e = sim_push(r, details ? SE_REG_SET : SE_REG_KEY, h->idx, t);
	e->proc = *p;
	e->u.reg.key = key;
	e->u.reg.details = details;
}

void sim_image_load(sim_run *r, sim_host *h, ug_time t, const sim_proc *p, const char *path,
                    const sim_pe *pe)
{
	if (!h->endpoint)
		return;
	sim_ev *e = sim_push(r, SE_IMAGE_LOAD, h->idx, t);
	e->proc = *p;
	e->u.file.path = path;
	e->u.file.pe = pe;
}

/* 4698 from the registering process' account, plus what the Task Scheduler
 * service itself writes: the task file and its TaskCache registry entry. */
void sim_task_created(sim_run *r, sim_host *h, ug_time t, const sim_proc *by, const char *name,
                      const char *command, const char *args, bool system)
{
	if (!h->endpoint)
		return;
	sim_ev *e = sim_push(r, SE_TASK_CREATED, h->idx, t);
	e->proc = *by;
	e->u.task.name = name;
	e->u.task.command = command;
	e->u.task.args = args;
	e->u.task.system = system;
	ug_time t2 = t + 3 * UG_NS_PER_SEC / 1000;
	sim_file(r, h, t2, &h->p_svc_sched, sim_sprintf(r, "C:\\Windows\\System32\\Tasks%s", name),
	         NULL);
	sim_reg(r, h, t2 + UG_NS_PER_SEC / 1000, &h->p_svc_sched,
	        sim_sprintf(r,
	                    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree%s\\Index",
	                    name),
	        "DWORD (0x00000003)");
}

void sim_service_installed(sim_run *r, sim_host *h, ug_time t, const sim_proc *by,
                           const char *name, const char *image_path, const char *start_type)
{
	if (!h->endpoint)
		return;
	sim_ev *e = sim_push(r, SE_SERVICE_INSTALLED, h->idx, t);
	e->proc = *by;
	e->u.svc.name = name;
	e->u.svc.image_path = image_path;
	e->u.svc.start_type = start_type;
	ug_time t2 = t + 2 * UG_NS_PER_SEC / 1000;
	sim_reg(r, h, t2, &h->p_services,
	        sim_sprintf(r, "HKLM\\System\\CurrentControlSet\\Services\\%s\\ImagePath", name),
	        image_path);
	sim_reg(r, h, t2 + UG_NS_PER_SEC / 1000, &h->p_services,
	        sim_sprintf(r, "HKLM\\System\\CurrentControlSet\\Services\\%s\\Start", name),
	        strcmp(start_type, "auto start") == 0 ? "DWORD (0x00000002)" : "DWORD (0x00000003)");
}

const char *sim_user_name(const sim_run *r, const sim_host *h, uint8_t user)
{
	(void)r;
	switch (user) {
	case SIM_USER_LOCAL_SERVICE: return "NT AUTHORITY\\LOCAL SERVICE";
	case SIM_USER_NETWORK_SERVICE: return "NT AUTHORITY\\NETWORK SERVICE";
	case SIM_USER_PRIMARY: return h->user_full;
	default: return "NT AUTHORITY\\SYSTEM";
	}
}
