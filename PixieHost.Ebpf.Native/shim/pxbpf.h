/* SPDX-License-Identifier: Apache-2.0 */
/* C ABI of libpxbpf: load, attach and drain the socket tracer. No printing; errors are -errno and
 * pxbpf_last_error() holds the tail of libbpf's last messages (e.g. the verifier log). */
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pxbpf;

struct pxbpf_config {
	uint32_t agent_tgid; /* process not traced (the agent); 0 traces every process */
	uint32_t max_copy;   /* bytes copied per syscall, 1..PX_MAX_DATA; 0 = PX_MAX_DATA */
	uint64_t ring_bytes; /* ring buffer size, rounded up to a power of two; 0 = 64 MiB */
	uint64_t wake_bytes; /* pending bytes that wake the reader early; 0 = 256 KiB */
	uint32_t flags;      /* PXBPF_F_* */
	uint32_t reserved;
};

/* pxbpf_attach mounts tracefs at /sys/kernel/tracing when it is missing (needs CAP_SYS_ADMIN): libbpf reads the
 * syscall tracepoint ids there. */
#define PXBPF_F_MOUNT_TRACEFS 1u

struct pxbpf_stats {
	uint64_t events;       /* records written to the ring */
	uint64_t drops;        /* records lost because the ring was full */
	uint64_t bytes_copied; /* payload bytes copied from user buffers */
};

/* Called in place for each ring record; return < 0 to stop the poll (that record is consumed). */
typedef int (*pxbpf_event_fn)(void *ctx, const void *data, unsigned long size);

enum pxbpf_struct {
	PXBPF_STRUCT_EVENT_HEADER = 0,
	PXBPF_STRUCT_CONTROL_EVENT = 1,
	PXBPF_STRUCT_DATA_EVENT = 2,
	PXBPF_STRUCT_STATS = 3,
	PXBPF_STRUCT_CONFIG = 4,
};

int pxbpf_open(const struct pxbpf_config *cfg, struct pxbpf **out);
/* Attaches the syscall tracepoint programs; -ENOENT when tracefs is not mounted. */
int pxbpf_attach(struct pxbpf *px);
/* Attaches the TLS plaintext uprobes (SSL_write, SSL_read, SSL_write_ex, SSL_read_ex) to an OpenSSL libssl file,
 * for every process that maps it. Returns the number of those functions found (0: not a libssl) or -errno. */
int pxbpf_attach_ssl(struct pxbpf *px, const char *path);
/* Waits up to timeout_ms for a wake-up, then drains everything pending. Returns records consumed or -errno. */
int pxbpf_poll(struct pxbpf *px, int timeout_ms, pxbpf_event_fn fn, void *ctx);
int pxbpf_stats(struct pxbpf *px, struct pxbpf_stats *out);
void pxbpf_close(struct pxbpf *px);
/* sizeof the ABI structs (enum pxbpf_struct), -EINVAL for an unknown one. */
int pxbpf_struct_size(int which);
/* Copies the tail of libbpf's recent messages (NUL-terminated); returns its length. */
int pxbpf_last_error(char *buf, int len);

#ifdef __cplusplus
}
#endif
