/*
 * machine.c - topology, placement from flags, and machine facts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "machine.h"
#include "shim/rt_bench.h"

static bool read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

static bool cpu_has_hypervisor_flag(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    bool found = false;
    if (!f)
        return false;
    while (!found && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
            found = true;
    fclose(f);
    return found;
}

/* The hypervisor's CPUID signature (leaf 0x40000000), e.g. "KVMKVMKVM". */
static bool hypervisor_signature(char *sig, size_t len)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (!cpu_has_hypervisor_flag())
        return false;
    __cpuid(0x40000000, a, b, c, d);
    char raw[13];
    memcpy(raw, &b, 4);
    memcpy(raw + 4, &c, 4);
    memcpy(raw + 8, &d, 4);
    raw[12] = '\0';
    snprintf(sig, len, "%s", raw);
    return raw[0] != '\0';
#else
    (void)sig;
    (void)len;
    return false;
#endif
}

void rt_detect_virtual(char *buf, size_t len)
{
    static const struct { const char *vendor; const char *name; } known[] = {
        { "QEMU", "kvm" }, { "KVM", "kvm" }, { "Amazon EC2", "kvm" },
        { "Google", "kvm" }, { "Microsoft Corporation", "hyperv" },
        { "VMware, Inc.", "vmware" }, { "Xen", "xen" }, { "innotek GmbH", "virtualbox" },
    };
    char vendor[128] = "", product[128] = "";
    read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof vendor);
    read_line("/sys/class/dmi/id/product_name", product, sizeof product);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strstr(vendor, known[i].vendor) || strstr(product, known[i].vendor)) {
            snprintf(buf, len, "%s", known[i].name);
            return;
        }
    }
    static const struct { const char *sig; const char *name; } sigs[] = {
        { "KVMKVMKVM", "kvm" }, { "Microsoft Hv", "hyperv" }, { "VMwareVMware", "vmware" },
        { "XenVMMXenVMM", "xen" }, { "TCGTCGTCGTCG", "qemu" }, { "VBoxVBoxVBox", "virtualbox" },
    };
    char sig[16];
    if (hypervisor_signature(sig, sizeof sig)) {
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
            if (!strcmp(sig, sigs[i].sig)) {
                snprintf(buf, len, "%s", sigs[i].name);
                return;
            }
        }
    }
    snprintf(buf, len, "%s", cpu_has_hypervisor_flag() ? "unknown-hypervisor" : "none");
}

static void cpu_model(char *buf, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    snprintf(buf, len, "unknown");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10)) {
            char *v = strchr(line, ':');
            if (v) {
                v++;
                while (isspace((unsigned char)*v))
                    v++;
                v[strcspn(v, "\n")] = '\0';
                snprintf(buf, len, "%s", v);
            }
            break;
        }
    }
    fclose(f);
}

static void record_machine(const rt_machine *m)
{
    char buf[256];
    struct utsname u;
    rt_contextf("machine.pus_allowed", "%d", rt_topo_allowed_pus(&m->topo));
    rt_topo_allowed_string(&m->topo, buf, sizeof buf);
    rt_context("machine.allowed_cpus", buf);
    rt_contextf("machine.cores", "%d", rt_topo_cores(&m->topo));
    rt_contextf("machine.packages", "%d", rt_topo_packages(&m->topo));
    rt_contextf("machine.smt", "%d", rt_topo_smt(&m->topo));
    rt_context("machine.virtual", m->virt);
    cpu_model(buf, sizeof buf);
    rt_context("machine.cpu_model", buf);
    if (uname(&u) == 0)
        rt_contextf("machine.kernel", "%s %s", u.sysname, u.release);
    rt_context("placement.policy", rt_policy_name(m->place.policy));
    rt_context("placement.oversubscribe", m->place.oversubscribe ? "yes" : "no");
    rt_context("placement.binding", m->binding);
}

/* Binding that is not permitted or not supported (a restricted container,
 * a seccomp filter) is not an error: every run goes on unpinned, its label
 * says binding=failed and its bind_failures counter counts.  Said once,
 * here, and recorded in the context. */
static void probe_binding(rt_machine *m, const char *prog)
{
    if (!m->topo.this_system) {
        snprintf(m->binding, sizeof m->binding, "unavailable");
        return;
    }
    if (rt_bind_probe(&m->topo) == 0) {
        snprintf(m->binding, sizeof m->binding, "hwloc");
        return;
    }
    snprintf(m->binding, sizeof m->binding, "not permitted (%s): running unpinned",
             strerror(errno));
    fprintf(stderr, "%s: cannot bind threads to PUs here (%s): running unpinned; every run's "
            "label says binding=failed\n", prog, strerror(errno));
}

void rt_machine_init(rt_machine *m, const char *prog, const rt_place_opts *o, int max_workers)
{
    char err[512];
    memset(m, 0, sizeof *m);
    if (rt_topo_load_system(&m->topo, err, sizeof err) < 0)
        rt_usage_error(prog, err);
    rt_detect_virtual(m->virt, sizeof m->virt);

    m->place.topo = &m->topo;
    m->place.policy = (rt_policy)o->policy;
    m->place.oversubscribe = o->oversubscribe;
    if (o->cpus) {
        int n = rt_cpulist_parse(o->cpus, &m->cpus, err, sizeof err);
        if (n < 0) {
            char line[600];
            snprintf(line, sizeof line, "--cpus: %s", err);
            rt_usage_error(prog, line);
        }
        if (m->place.policy != RT_POLICY_COMPACT && m->place.policy != RT_POLICY_LIST)
            rt_usage_error(prog, "--cpus: cannot be combined with --policy other than list");
        m->place.policy = RT_POLICY_LIST;
        m->place.cpus = m->cpus;
        m->place.ncpus = n;
    } else if (m->place.policy == RT_POLICY_LIST) {
        rt_usage_error(prog, "--policy: list needs --cpus LIST (e.g. --cpus 0,1)");
    }
    if (rt_plan_check(&m->place, max_workers, err, sizeof err) < 0)
        rt_usage_error(prog, err);
    probe_binding(m, prog);
    record_machine(m);
}

void rt_machine_destroy(rt_machine *m)
{
    free(m->cpus);
    rt_topo_destroy(&m->topo);
}
