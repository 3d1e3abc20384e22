/* SPDX-License-Identifier: Apache-2.0 */
/* Uprobes on OpenSSL 3's libssl (SSL_write, SSL_read, SSL_write_ex, SSL_read_ex) copy the plaintext of TLS
 * connections into the same ring as the syscall data, flagged PX_DATA_F_SSL, at the connection's plaintext
 * positions. The fd comes from the socket syscall the call makes (on_data_exit -> note_ssl_fd), or, when libssl
 * serves the call from its buffer without a syscall, from an earlier call on the same SSL object (ssl_fds).
 * Attached per library file by pxbpf_attach_ssl, never by the skeleton: their sections name no target. */
#pragma once

struct ssl_call {
	__u64 ssl;
	__u64 buf;
	__u64 out_len; /* size_t *written / *readbytes of the _ex variants, 0 for SSL_write/SSL_read */
	__s32 fd;      /* -1 until known */
	__u32 active;  /* a call is in progress on this thread */
};

struct ssl_key {
	__u32 tgid;
	__u32 pad;
	__u64 ssl;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ssl_call);
} ssl_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ssl_key);
	__type(value, __s32);
} ssl_fds SEC(".maps");

/* A socket syscall on a TLS connection: the SSL call in progress on this thread (if any) uses fd. */
static __always_inline void note_ssl_fd(__s32 fd)
{
	struct ssl_call *c = bpf_task_storage_get(&ssl_calls, bpf_get_current_task_btf(), NULL, 0);
	if (c && c->active)
		c->fd = fd;
}

static __always_inline int ssl_enter(__u64 ssl, __u64 buf, __u64 out_len)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (agent_tgid && tgid == agent_tgid)
		return 0;
	struct ssl_call *c = bpf_task_storage_get(&ssl_calls, bpf_get_current_task_btf(), NULL,
						  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return 0;
	c->ssl = ssl;
	c->buf = buf;
	c->out_len = out_len;
	c->fd = -1;
	c->active = 1;
	struct ssl_key k = { .tgid = tgid, .ssl = ssl };
	__s32 *fd = bpf_map_lookup_elem(&ssl_fds, &k);
	if (fd)
		c->fd = *fd;
	return 0;
}

static __always_inline int ssl_exit(long ret, bool send)
{
	struct ssl_call *c = bpf_task_storage_get(&ssl_calls, bpf_get_current_task_btf(), NULL, 0);
	if (!c || !c->active)
		return 0;
	c->active = 0;
	__u64 len = 0;
	if (c->out_len) {
		if (ret != 1 || bpf_probe_read_user(&len, sizeof(len), (const void *)c->out_len))
			return 0;
	} else {
		if (ret <= 0)
			return 0;
		len = ret;
	}
	if (c->fd < 0 || len == 0)
		return 0;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct ssl_key k = { .tgid = tgid, .ssl = c->ssl };
	__s32 fd = c->fd;
	bpf_map_update_elem(&ssl_fds, &k, &fd, BPF_ANY);

	struct conn_key key = { .tgid = tgid, .fd = fd };
	struct conn_info *info = bpf_map_lookup_elem(&conns, &key);
	if (!info || !(info->flags & CONN_F_OPENED))
		return 0;
	if (!(info->flags & CONN_F_TLS))
		mark_tls(info, send, send ? info->send_pos : info->recv_pos);
	__u64 position = send ? info->ssl_send_pos : info->ssl_recv_pos;
	if (send)
		info->ssl_send_pos += len;
	else
		info->ssl_recv_pos += len;
	if (info->protocol == PX_PROTO_UNKNOWN && info->infer_tries >= MAX_INFER_TRIES)
		return 0;

	__u32 cpu = bpf_get_smp_processor_id();
	struct data_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	if (!s)
		return 0;
	__u32 copied = copy_buf(s->data, c->buf, len);
	if (info->protocol == PX_PROTO_UNKNOWN) {
		bool port53 = info->remote.port == 53 || info->local.port == 53;
		__u32 p = infer_protocol(s->data, copied < PX_PEEK ? copied : PX_PEEK, len, false, port53);
		if (p == PX_PROTO_UNKNOWN || p == PX_INFER_TLS) {
			info->infer_tries++;
			return 0;
		}
		info->protocol = p;
	}
	emit_data(s, &key, info, position, len, copied, send, PX_DATA_F_SSL);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(px_ssl_write_enter, void *ssl, const void *buf, int num)
{
	return ssl_enter((__u64)ssl, (__u64)buf, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(px_ssl_write_exit, int ret)
{
	return ssl_exit(ret, true);
}

SEC("uprobe")
int BPF_KPROBE(px_ssl_read_enter, void *ssl, void *buf, int num)
{
	return ssl_enter((__u64)ssl, (__u64)buf, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(px_ssl_read_exit, int ret)
{
	return ssl_exit(ret, false);
}

SEC("uprobe")
int BPF_KPROBE(px_ssl_write_ex_enter, void *ssl, const void *buf, __u64 num, __u64 *written)
{
	return ssl_enter((__u64)ssl, (__u64)buf, (__u64)written);
}

SEC("uretprobe")
int BPF_KRETPROBE(px_ssl_write_ex_exit, int ret)
{
	return ssl_exit(ret, true);
}

SEC("uprobe")
int BPF_KPROBE(px_ssl_read_ex_enter, void *ssl, void *buf, __u64 num, __u64 *readbytes)
{
	return ssl_enter((__u64)ssl, (__u64)buf, (__u64)readbytes);
}

SEC("uretprobe")
int BPF_KRETPROBE(px_ssl_read_ex_exit, int ret)
{
	return ssl_exit(ret, false);
}
