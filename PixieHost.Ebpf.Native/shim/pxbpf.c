// SPDX-License-Identifier: Apache-2.0
/* libpxbpf: open -> configure read-only globals and map sizes -> load -> attach -> poll -> close. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/mount.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "socket_trace.skel.h"
#include "socket_trace.h"
#include "pxbpf.h"

#define DEFAULT_RING_BYTES (64ull << 20)
#define DEFAULT_WAKE_BYTES (256ull << 10)
#define LOG_TAIL 4096
#define MAX_SSL_LINKS 64 /* 8 per library file */

struct pxbpf {
	struct socket_trace *skel;
	struct ring_buffer *ring;
	struct bpf_link *ssl_links[MAX_SSL_LINKS];
	int ssl_link_count;
	uint32_t flags;
	pxbpf_event_fn fn; /* set for the duration of one pxbpf_poll */
	void *ctx;
};

/* Counters as the BPF program lays them out (struct counters in socket_trace.bpf.c). */
struct counters {
	__u64 events;
	__u64 drops;
	__u64 bytes_copied;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_tail[LOG_TAIL];
static size_t log_len;

/* Keeps the last LOG_TAIL bytes of libbpf output instead of printing it. */
static int keep_log(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char line[LOG_TAIL];
	if (level == LIBBPF_DEBUG)
		return 0;
	/* The verifier log arrives in one message and ends with the reason: keep the end of long messages. */
	va_list copy;
	va_copy(copy, args);
	int full = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (full <= 0)
		return 0;
	const char *text = line;
	char *big = NULL;
	if ((size_t)full >= sizeof(line) && (big = malloc(full + 1)))
		text = big;
	int n = vsnprintf(big ? big : line, big ? (size_t)full + 1 : sizeof(line), fmt, args);
	if (n >= (int)sizeof(line)) {
		if (big)
			text += n - (sizeof(line) - 1);
		n = sizeof(line) - 1;
	}
	pthread_mutex_lock(&log_lock);
	if (log_len + n >= LOG_TAIL) { /* drop the oldest bytes */
		size_t drop = log_len + n - (LOG_TAIL - 1);
		if (drop > log_len)
			drop = log_len;
		memmove(log_tail, log_tail + drop, log_len - drop);
		log_len -= drop;
	}
	memcpy(log_tail + log_len, text, n);
	log_len += n;
	log_tail[log_len] = 0;
	pthread_mutex_unlock(&log_lock);
	free(big);
	return 0;
}

int pxbpf_last_error(char *buf, int len)
{
	if (!buf || len <= 0)
		return -EINVAL;
	pthread_mutex_lock(&log_lock);
	size_t n = log_len < (size_t)len - 1 ? log_len : (size_t)len - 1;
	memcpy(buf, log_tail + log_len - n, n);
	buf[n] = 0;
	pthread_mutex_unlock(&log_lock);
	return (int)n;
}

static void clear_log(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_tail[0] = 0;
	pthread_mutex_unlock(&log_lock);
}

static uint64_t round_pow2(uint64_t v)
{
	uint64_t p = 4096;
	while (p < v)
		p <<= 1;
	return p;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct pxbpf *px = ctx;
	return px->fn(px->ctx, data, size);
}

int pxbpf_open(const struct pxbpf_config *cfg, struct pxbpf **out)
{
	if (!cfg || !out)
		return -EINVAL;
	if (cfg->max_copy > PX_MAX_DATA)
		return -EINVAL;
	*out = NULL;
	libbpf_set_print(keep_log);
	clear_log();

	struct pxbpf *px = calloc(1, sizeof(*px));
	if (!px)
		return -ENOMEM;
	int err = 0;
	px->skel = socket_trace__open();
	if (!px->skel) {
		err = -errno;
		goto fail;
	}
	int cpus = libbpf_num_possible_cpus();
	if (cpus <= 0) {
		err = cpus < 0 ? cpus : -EINVAL;
		goto fail;
	}
	px->flags = cfg->flags;
	px->skel->rodata->agent_tgid = cfg->agent_tgid;
	px->skel->rodata->max_copy = cfg->max_copy ? cfg->max_copy : PX_MAX_DATA;
	px->skel->rodata->wake_bytes = cfg->wake_bytes ? cfg->wake_bytes : DEFAULT_WAKE_BYTES;
	uint64_t ring = round_pow2(cfg->ring_bytes ? cfg->ring_bytes : DEFAULT_RING_BYTES);
	if (ring > (1ull << 31)) {
		err = -E2BIG;
		goto fail;
	}
	if ((err = bpf_map__set_max_entries(px->skel->maps.rb, (__u32)ring)) ||
	    (err = bpf_map__set_max_entries(px->skel->maps.scratch, (__u32)cpus)))
		goto fail;
	if ((err = socket_trace__load(px->skel)))
		goto fail;
	px->ring = ring_buffer__new(bpf_map__fd(px->skel->maps.rb), on_record, px, NULL);
	if (!px->ring) {
		err = -errno;
		goto fail;
	}
	*out = px;
	return 0;
fail:
	pxbpf_close(px);
	return err < 0 ? err : -EINVAL;
}

/* libbpf looks up tracepoint ids in /sys/kernel/tracing, then /sys/kernel/debug/tracing. */
static void ensure_tracefs(void)
{
	if (access("/sys/kernel/tracing/events/syscalls", F_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events/syscalls", F_OK) == 0)
		return;
	/* A failure shows up as -ENOENT from the attach below, which the caller explains. */
	mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

int pxbpf_attach(struct pxbpf *px)
{
	if (!px)
		return -EINVAL;
	if (px->flags & PXBPF_F_MOUNT_TRACEFS)
		ensure_tracefs();
	int err = socket_trace__attach(px->skel);
	return err < 0 ? err : 0;
}

/* One libssl function's entry and return probes; 1 when attached, 0 when the library lacks the symbol. */
static int attach_ssl_fn(struct pxbpf *px, const char *path, const char *fn, struct bpf_program *enter,
			 struct bpf_program *exit)
{
	if (px->ssl_link_count + 2 > MAX_SSL_LINKS)
		return -E2BIG;
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = fn, .retprobe = false);
	struct bpf_link *in = bpf_program__attach_uprobe_opts(enter, -1, path, 0, &opts);
	if (!in)
		return errno == ENOENT || errno == ESRCH ? 0 : -errno;
	LIBBPF_OPTS(bpf_uprobe_opts, ropts, .func_name = fn, .retprobe = true);
	struct bpf_link *out = bpf_program__attach_uprobe_opts(exit, -1, path, 0, &ropts);
	if (!out) {
		int err = -errno;
		bpf_link__destroy(in);
		return err;
	}
	px->ssl_links[px->ssl_link_count++] = in;
	px->ssl_links[px->ssl_link_count++] = out;
	return 1;
}

int pxbpf_attach_ssl(struct pxbpf *px, const char *path)
{
	if (!px || !path)
		return -EINVAL;
	clear_log();
	struct socket_trace *k = px->skel;
	int n = 0, r;
	if ((r = attach_ssl_fn(px, path, "SSL_write", k->progs.px_ssl_write_enter, k->progs.px_ssl_write_exit)) < 0)
		return r;
	n += r;
	if ((r = attach_ssl_fn(px, path, "SSL_read", k->progs.px_ssl_read_enter, k->progs.px_ssl_read_exit)) < 0)
		return r;
	n += r;
	if ((r = attach_ssl_fn(px, path, "SSL_write_ex", k->progs.px_ssl_write_ex_enter, k->progs.px_ssl_write_ex_exit)) < 0)
		return r;
	n += r;
	if ((r = attach_ssl_fn(px, path, "SSL_read_ex", k->progs.px_ssl_read_ex_enter, k->progs.px_ssl_read_ex_exit)) < 0)
		return r;
	n += r;
	return n;
}

int pxbpf_poll(struct pxbpf *px, int timeout_ms, pxbpf_event_fn fn, void *ctx)
{
	if (!px || !fn)
		return -EINVAL;
	px->fn = fn;
	px->ctx = ctx;
	/* Events are submitted without wake-up until wake_bytes are pending: epoll may time out with data
	 * waiting, so always drain after the wait. */
	int woken = ring_buffer__poll(px->ring, timeout_ms);
	if (woken < 0 && woken != -EINTR)
		return woken;
	int drained = ring_buffer__consume(px->ring);
	px->fn = NULL;
	px->ctx = NULL;
	if (drained < 0)
		return drained;
	return (woken > 0 ? woken : 0) + drained;
}

int pxbpf_stats(struct pxbpf *px, struct pxbpf_stats *out)
{
	if (!px || !out)
		return -EINVAL;
	int cpus = libbpf_num_possible_cpus();
	if (cpus <= 0)
		return cpus < 0 ? cpus : -EINVAL;
	struct counters *per_cpu = calloc(cpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	__u32 zero = 0;
	int err = bpf_map_lookup_elem(bpf_map__fd(px->skel->maps.stats), &zero, per_cpu);
	if (err) {
		err = -errno;
		free(per_cpu);
		return err;
	}
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < cpus; i++) {
		out->events += per_cpu[i].events;
		out->drops += per_cpu[i].drops;
		out->bytes_copied += per_cpu[i].bytes_copied;
	}
	free(per_cpu);
	return 0;
}

void pxbpf_close(struct pxbpf *px)
{
	if (!px)
		return;
	for (int i = 0; i < px->ssl_link_count; i++)
		bpf_link__destroy(px->ssl_links[i]);
	ring_buffer__free(px->ring);
	socket_trace__destroy(px->skel);
	free(px);
}

int pxbpf_struct_size(int which)
{
	switch (which) {
	case PXBPF_STRUCT_EVENT_HEADER: return sizeof(struct px_event_header);
	case PXBPF_STRUCT_CONTROL_EVENT: return sizeof(struct socket_control_event);
	case PXBPF_STRUCT_DATA_EVENT: return sizeof(struct socket_data_event);
	case PXBPF_STRUCT_STATS: return sizeof(struct pxbpf_stats);
	case PXBPF_STRUCT_CONFIG: return sizeof(struct pxbpf_config);
	default: return -EINVAL;
	}
}
