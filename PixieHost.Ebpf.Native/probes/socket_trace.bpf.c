// SPDX-License-Identifier: Apache-2.0
/* Socket tracer on the syscall tracepoints (syscalls/sys_enter_*, sys_exit_*): this kernel has no kprobes
 * and no fentry. libbpf finds the tracepoint ids through tracefs (/sys/kernel/tracing), which must be mounted.
 *
 * Flow: enter stashes the arguments per thread; exit reads the return value, resolves the fd to a TCP
 * socket (task -> files -> fdtable -> file -> socket -> sock, so sockets opened before attach are seen),
 * advances the per-connection stream positions, infers the protocol from the first bytes (protocol_infer.h),
 * and copies data of connections of a known protocol into the ring buffer. UDP sockets are followed only once a
 * datagram looks like DNS. TLS: uprobes on libssl (ssl_probes.h) copy the plaintext; the ciphertext the
 * syscalls move is counted, never copied. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "socket_trace.h"
#include "protocol_infer.h"

char LICENSE[] SEC("license") = "GPL";

/* x86_64 syscall numbers (send/recv are sendto/recvfrom there). */
#define NR_READ 0
#define NR_WRITE 1
#define NR_CLOSE 3
#define NR_READV 19
#define NR_WRITEV 20
#define NR_CONNECT 42
#define NR_ACCEPT 43
#define NR_SENDTO 44
#define NR_RECVFROM 45
#define NR_SENDMSG 46
#define NR_RECVMSG 47
#define NR_ACCEPT4 288
#define NR_RECVMMSG 299
#define NR_SENDMMSG 307
#define NR_NONE 0xffffffff /* call_args.nr of an empty stash */

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define MSG_PEEK 2
#define EINPROGRESS 115

#define MAX_IOV 16            /* iovecs copied per readv/writev/sendmsg/recvmsg */
#define IOV_BATCH 8           /* iovec structs read per helper call */
#define MAX_INFER_TRIES 16    /* chunks looked at before a connection is declared of no known protocol */
#define TLS_CHECK_BYTES 65536 /* a TLS handshake is looked for this far into a connection of a known protocol */

/* conn_info.flags */
#define CONN_F_OPENED 1 /* the OPEN event was sent (UDP sockets: only once DNS is seen) */
#define CONN_F_TLS 2    /* the syscall bytes are TLS records: plaintext comes from the libssl uprobes */

/* Set by user space before load. */
const volatile __u32 agent_tgid = 0;          /* this process is not traced; 0 traces everything */
const volatile __u32 max_copy = PX_MAX_DATA;  /* bytes copied per syscall, <= PX_MAX_DATA */
const volatile __u64 wake_bytes = 256 * 1024; /* wake the reader once this much is pending */

/* Arguments stashed at syscall entry, read at exit. */
struct call_args {
	__u64 buf;   /* data buffer, iovec array or user_msghdr, by kind */
	__u64 addr;  /* peer sockaddr of sendto/recvfrom/sendmsg/recvmsg (UDP peers), 0 if none */
	__u64 mmsg;  /* sendmmsg/recvmmsg: the mmsghdr array (the first message's length is read at exit) */
	__u32 nr;    /* syscall number */
	__s32 fd;
	__u32 iovcnt;
	__u32 pad;
};

struct conn_key {
	__u32 tgid;
	__s32 fd;
};

struct conn_info {
	__u64 generation;
	__u64 send_pos; /* bytes sent since first seen: the next send position and the close total */
	__u64 recv_pos;
	__u64 ssl_send_pos; /* plaintext positions of a TLS connection (start where the raw ones were at detection) */
	__u64 ssl_recv_pos;
	__u64 sk; /* the kernel sock: a second connect() on the same socket (non-blocking completion) is not a new connection */
	__u32 role;
	__u32 protocol;
	__u32 infer_tries;
	__u32 sock_type;
	__u32 flags; /* CONN_F_* */
	__u32 pad;
	struct px_sockaddr local;
	struct px_sockaddr remote;
};

/* Counters summed over CPUs by pxbpf_stats(). */
struct counters {
	__u64 events;
	__u64 drops;
	__u64 bytes_copied;
};

/* A data event assembled before output: twice PX_MAX_DATA so that offset + length always fits (gotcha 1). */
struct data_scratch {
	struct socket_data_event ev;
	__u8 data[PX_MAX_DATA * 2];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024 * 1024);
} rb SEC(".maps");

/* Per-thread stash in task-local storage: cheaper than a hash keyed by pid_tgid (no insert/delete per call). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct call_args);
} active_calls SEC(".maps");

/* LRU: entries of processes that exit without close() age out instead of filling the map. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct conn_key);
	__type(value, struct conn_info);
} conns SEC(".maps");

/* Plain array indexed by CPU: per-CPU arrays cap values at 32 KiB (gotcha 2). Sized to the CPU count at load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct data_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} stats SEC(".maps");

static __always_inline struct counters *counters(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&stats, &zero);
}

/* Batched wake-ups: waking the reader per event is what costs (gotcha 6). */
static __always_inline __u64 wake_flag(void)
{
	return bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= wake_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_output(long err, __u64 copied)
{
	struct counters *c = counters();
	if (!c)
		return;
	if (err) {
		c->drops++;
	} else {
		c->events++;
		c->bytes_copied += copied;
	}
}

/* Turns a kernel address into a BTF-typed pointer whose fields are plain (fault-safe) loads instead of helper calls. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* The TCP or UDP (IPv4/IPv6) sock behind fd in the current process, or NULL; *type gets SOCK_STREAM or SOCK_DGRAM.
 * Runs on every read/write of a file or pipe not yet known, so it walks with direct loads (one helper call for the
 * fd array) rather than BPF_CORE_READ. */
static __always_inline struct sock *sock_of_fd(__s32 fd, __u32 *type)
{
	if (fd < 0)
		return NULL;
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	if ((__u32)fd >= fdt->max_fds)
		return NULL;
	struct file **fds = fdt->fd;
	struct file *raw = NULL;
	bpf_probe_read_kernel(&raw, sizeof(raw), &fds[fd]);
	if (!raw)
		return NULL;
	struct file *file = bpf_rdonly_cast(raw, bpf_core_type_id_kernel(struct file));
	if ((file->f_inode->i_mode & S_IFMT) != S_IFSOCK)
		return NULL;
	struct socket *sock = bpf_rdonly_cast(file->private_data, bpf_core_type_id_kernel(struct socket));
	__u32 st = sock->type;
	if (st != SOCK_STREAM && st != SOCK_DGRAM)
		return NULL;
	struct sock *sk = sock->sk;
	if (!sk)
		return NULL;
	__u16 family = sk->__sk_common.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	if (sk->sk_protocol != (st == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
		return NULL;
	*type = st;
	/* Returned as a plain kernel address: read_addrs uses BPF_CORE_READ on it. */
	return (struct sock *)(unsigned long)sk;
}

static __always_inline void read_addrs(struct sock *sk, struct px_sockaddr *local, struct px_sockaddr *remote)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	local->family = family;
	remote->family = family;
	local->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	remote->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* bpf_core_read with explicit sizes: BPF_CORE_READ_INTO would size the copy by addr[0] (one byte). */
	if (family == AF_INET) {
		bpf_core_read(local->addr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(remote->addr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(local->addr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(remote->addr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

static __always_inline void emit_control(__u32 type, const struct conn_key *key, const struct conn_info *info)
{
	struct socket_control_event *ev = bpf_ringbuf_reserve(&rb, sizeof(*ev), 0);
	if (!ev) {
		count_output(-1, 0);
		return;
	}
	ev->hdr.ts_ns = bpf_ktime_get_ns();
	ev->hdr.type = type;
	ev->hdr.role = info->role;
	ev->hdr.conn.tgid = key->tgid;
	ev->hdr.conn.fd = key->fd;
	ev->hdr.conn.generation = info->generation;
	ev->local = info->local;
	ev->remote = info->remote;
	ev->bytes_sent = type == PX_EVENT_CLOSE ? info->send_pos : 0;
	ev->bytes_recv = type == PX_EVENT_CLOSE ? info->recv_pos : 0;
	/* intent: UPID start time, as /proc/PID/stat computes it: the group leader's boot-based start in USER_HZ ticks */
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	ev->start_ticks = BPF_CORE_READ(task, group_leader, start_boottime) / (1000000000ULL / 100);
	ev->sock_type = info->sock_type;
	ev->pad = 0;
	bpf_ringbuf_submit(ev, wake_flag());
	count_output(0, 0);
}

/* Starts tracking a connection and emits its OPEN event (a UDP socket's waits for its first DNS datagram). A tracked
 * fd met again (close missed) is closed first. */
static __always_inline struct conn_info *open_conn(const struct conn_key *key, struct sock *sk, __u32 role, __u32 type)
{
	struct conn_info *old = bpf_map_lookup_elem(&conns, key);
	if (old && old->sk == (__u64)(unsigned long)sk)
		return old;
	if (old && (old->flags & CONN_F_OPENED)) {
		emit_control(PX_EVENT_CLOSE, key, old);
	}
	struct conn_info info = {};
	info.generation = bpf_ktime_get_ns();
	info.role = role;
	info.sock_type = type;
	info.sk = (__u64)(unsigned long)sk;
	read_addrs(sk, &info.local, &info.remote);
	if (type == SOCK_STREAM)
		info.flags = CONN_F_OPENED;
	bpf_map_update_elem(&conns, key, &info, BPF_ANY);
	if (type == SOCK_STREAM)
		emit_control(PX_EVENT_OPEN, key, &info);
	return bpf_map_lookup_elem(&conns, key);
}

/* The peer of an unconnected UDP socket, from the sockaddr the call passed (sendto dest, recvfrom source). */
static __always_inline void read_user_peer(struct px_sockaddr *remote, __u64 addr)
{
	if (!addr)
		return;
	struct sockaddr_in6 sa = {};
	if (bpf_probe_read_user(&sa, sizeof(sa), (const void *)addr))
		return;
	if (sa.sin6_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&sa;
		remote->family = AF_INET;
		remote->port = bpf_ntohs(in->sin_port);
		__builtin_memcpy(remote->addr, &in->sin_addr, 4);
	} else if (sa.sin6_family == AF_INET6) {
		remote->family = AF_INET6;
		remote->port = bpf_ntohs(sa.sin6_port);
		__builtin_memcpy(remote->addr, &sa.sin6_addr, 16);
	}
}

/* Copies up to max_copy of the first `total` bytes into dst; returns bytes copied. */
static __always_inline __u32 copy_buf(__u8 *dst, __u64 src, __u64 total)
{
	__u32 n = total < max_copy ? total : max_copy;
	barrier_var(n);
	if (n > PX_MAX_DATA)
		n = PX_MAX_DATA;
	if (bpf_probe_read_user(dst, n, (const void *)src))
		return 0;
	return n;
}

/* Copies from an iovec array. The iovec structs are read IOV_BATCH at a time: each bpf_probe_read_user costs
 * ~100-150 ns here (nginx's 2-iovec writev exit: 1.2 us with one read per iovec struct, 1.1 us batched). */
static __always_inline __u32 copy_iov(__u8 *dst, const struct iovec *iov, __u32 iovcnt, __u64 total)
{
	struct iovec vecs[IOV_BATCH];
	__u32 copied = 0;
	__u32 limit = total < max_copy ? total : max_copy;
	for (int b = 0; b < MAX_IOV / IOV_BATCH; b++) {
		__u32 first = b * IOV_BATCH;
		if (first >= iovcnt || copied >= limit)
			break;
		/* Read only the iovecs that exist: past the array end may be unmapped. */
		__u32 count = iovcnt - first;
		if (count > IOV_BATCH)
			count = IOV_BATCH;
		barrier_var(count);
		/* count is 1..IOV_BATCH; the mask (a no-op) is a bound the verifier sees and clang cannot drop. */
		__u32 bytes = (((count - 1) & (IOV_BATCH - 1)) + 1) * sizeof(struct iovec);
		if (bpf_probe_read_user(vecs, bytes, &iov[first]))
			break;
		for (int j = 0; j < IOV_BATCH; j++) {
			if (j >= count || copied >= limit)
				break;
			__u32 off = copied;
			barrier_var(off);
			off &= PX_MAX_DATA - 1; /* copied < limit <= PX_MAX_DATA */
			__u64 n = vecs[j].iov_len;
			if (n > limit - copied)
				n = limit - copied;
			barrier_var(n);
			if (n > PX_MAX_DATA)
				n = PX_MAX_DATA;
			if (bpf_probe_read_user(dst + off, n, vecs[j].iov_base))
				return copied;
			copied += n;
		}
	}
	return copied;
}

static __always_inline bool is_iov(__u32 nr)
{
	return nr == NR_READV || nr == NR_WRITEV || nr == NR_SENDMSG || nr == NR_RECVMSG || nr == NR_SENDMMSG ||
	       nr == NR_RECVMMSG;
}

static __always_inline __u32 copy_data(__u8 *dst, const struct call_args *args, __u64 total)
{
	if (is_iov(args->nr))
		return copy_iov(dst, (const struct iovec *)args->buf, args->iovcnt, total);
	return copy_buf(dst, args->buf, total);
}

/* Sends the data event whose payload (copied bytes) is already in s->data. */
static __always_inline void emit_data(struct data_scratch *s, const struct conn_key *key, const struct conn_info *info,
				      __u64 position, __u64 size, __u32 copied, bool send, __u32 flags)
{
	s->ev.hdr.ts_ns = bpf_ktime_get_ns();
	s->ev.hdr.type = PX_EVENT_DATA;
	s->ev.hdr.role = info->role;
	s->ev.hdr.conn.tgid = key->tgid;
	s->ev.hdr.conn.fd = key->fd;
	s->ev.hdr.conn.generation = info->generation;
	s->ev.position = position;
	s->ev.msg_size = size;
	s->ev.data_size = copied;
	s->ev.direction = send ? PX_DIR_SEND : PX_DIR_RECV;
	s->ev.protocol = info->protocol;
	s->ev.flags = flags;
	s->ev.pad = 0;
	barrier_var(copied);
	copied &= PX_MAX_DATA * 2 - 1; /* no-op (copied <= PX_MAX_DATA) that the verifier can see */
	long err = bpf_ringbuf_output(&rb, &s->ev, sizeof(s->ev) + copied, wake_flag());
	count_output(err, copied);
}

/* A TLS handshake starting mid-connection (STARTTLS: PostgreSQL after SSLRequest, MySQL after the SSL request
 * packet): record type 22, version 3.x, a ClientHello or ServerHello. Stricter than looks_like_tls because the
 * bytes of a known protocol (a MySQL length prefix) could pass the record header test alone. */
static __always_inline bool looks_like_tls_hello(const __u8 *b, __u32 n)
{
	return n >= 6 && b[0] == 22 && b[1] == 3 && b[2] <= 4 && (b[5] == 1 || b[5] == 2);
}

/* The syscall bytes of info are TLS records from here on: the plaintext positions start where the raw ones are
 * before this chunk (position is this chunk's offset in its direction). */
static __always_inline void mark_tls(struct conn_info *info, bool send, __u64 position)
{
	info->flags |= CONN_F_TLS;
	info->ssl_send_pos = send ? position : info->send_pos;
	info->ssl_recv_pos = send ? info->recv_pos : position;
}

/* libssl uprobes (they use the maps and helpers above). */
#include "ssl_probes.h"

static __always_inline void on_data_exit(const struct call_args *args, long ret)
{
	__u32 nr = args->nr;
	__u64 id = bpf_get_current_pid_tgid();
	struct conn_key key = { .tgid = id >> 32, .fd = args->fd };
	struct conn_info *info = bpf_map_lookup_elem(&conns, &key);
	if (!info) {
		__u32 type = 0;
		struct sock *sk = sock_of_fd(args->fd, &type);
		if (!sk)
			return;
		info = open_conn(&key, sk, PX_ROLE_UNKNOWN, type);
		if (!info)
			return;
	}
	bool send = nr == NR_WRITE || nr == NR_WRITEV || nr == NR_SENDTO || nr == NR_SENDMSG || nr == NR_SENDMMSG;
	__u64 position = send ? info->send_pos : info->recv_pos;
	if (send)
		info->send_pos += ret;
	else
		info->recv_pos += ret;
	if (info->flags & CONN_F_TLS) {
		note_ssl_fd(args->fd); /* the SSL_read/SSL_write in progress on this thread, if any, uses this fd */
		return; /* ciphertext: counted, never copied; the plaintext comes from the libssl uprobes */
	}
	if (info->protocol == PX_PROTO_UNKNOWN && info->infer_tries >= MAX_INFER_TRIES)
		return; /* no known protocol: positions advance, nothing is copied */

	__u32 cpu = bpf_get_smp_processor_id();
	struct data_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	if (!s)
		return;
	__u32 copied = 0;
	bool dgram = info->sock_type == SOCK_DGRAM;
	if (info->protocol == PX_PROTO_UNKNOWN) {
		/* Plain buffers: peek PX_PEEK bytes. iovecs: the prefix may span several, so copy first and look at the copy. */
		__u8 peek[PX_PEEK] = {};
		__u32 n = 0;
		if (is_iov(nr)) {
			copied = copy_data(s->data, args, ret);
			n = copied < PX_PEEK ? copied : PX_PEEK;
			__builtin_memcpy(peek, s->data, PX_PEEK);
		} else {
			n = ret < PX_PEEK ? (__u32)ret : PX_PEEK;
			barrier_var(n);
			if (n > PX_PEEK)
				n = PX_PEEK;
			if (n == 0 || bpf_probe_read_user(peek, n, (const void *)args->buf))
				n = 0;
		}
		bool port53 = info->remote.port == 53 || info->local.port == 53;
		__u32 p = infer_protocol(peek, n, ret, dgram, port53);
		if (p == PX_INFER_TLS) {
			mark_tls(info, send, position);
			note_ssl_fd(args->fd);
			return;
		}
		if (p == PX_PROTO_UNKNOWN) {
			info->infer_tries++;
			return;
		}
		info->protocol = p;
		if (dgram && !(info->flags & CONN_F_OPENED)) {
			/* An unconnected UDP socket (a DNS server's) has no peer in the sock: take the datagram's. */
			if (info->remote.family == 0 || info->remote.port == 0)
				read_user_peer(&info->remote, args->addr);
			info->flags |= CONN_F_OPENED;
			emit_control(PX_EVENT_OPEN, &key, info);
		}
		if (!copied)
			copied = copy_data(s->data, args, ret);
	} else {
		copied = copy_data(s->data, args, ret);
		if (!dgram && position < TLS_CHECK_BYTES && looks_like_tls_hello(s->data, copied)) {
			mark_tls(info, send, position);
			note_ssl_fd(args->fd);
			return;
		}
	}

	emit_data(s, &key, info, position, ret, copied, send, 0);
}

static __always_inline void on_connect_exit(const struct call_args *args, long ret, __u32 role)
{
	/* connect: 0, or -EINPROGRESS for a non-blocking socket (the addresses are already bound). accept: the new fd.
	 * A connected UDP socket (a resolver's) is tracked too, its OPEN deferred until a datagram looks like DNS. */
	__s32 fd = role == PX_ROLE_CLIENT ? args->fd : (__s32)ret;
	if (role == PX_ROLE_CLIENT && ret != 0 && ret != -EINPROGRESS)
		return;
	if (role == PX_ROLE_SERVER && ret < 0)
		return;
	__u32 type = 0;
	struct sock *sk = sock_of_fd(fd, &type);
	if (!sk)
		return;
	struct conn_key key = { .tgid = bpf_get_current_pid_tgid() >> 32, .fd = fd };
	open_conn(&key, sk, role, type);
}

static __always_inline void on_close_enter(__s32 fd)
{
	struct conn_key key = { .tgid = bpf_get_current_pid_tgid() >> 32, .fd = fd };
	struct conn_info *info = bpf_map_lookup_elem(&conns, &key);
	if (!info)
		return;
	if (info->flags & CONN_F_OPENED)
		emit_control(PX_EVENT_CLOSE, &key, info);
	bpf_map_delete_elem(&conns, &key);
}

/* Syscall entry: a0..a4 are the syscall arguments. */
static __always_inline int on_enter(__u32 nr, __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u64 a4)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (agent_tgid && (id >> 32) == agent_tgid)
		return 0;
	if (nr == NR_CLOSE) {
		on_close_enter((__s32)a0);
		return 0;
	}
	struct call_args *args = bpf_task_storage_get(&active_calls, bpf_get_current_task_btf(), NULL,
						      BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!args)
		return 0;
	/* Invalid until filled in: the exit of a call that is skipped here must not see an older call's arguments. */
	args->nr = NR_NONE;
	args->fd = (__s32)a0;
	args->buf = a1;
	args->addr = 0;
	args->mmsg = 0;
	args->iovcnt = 0;
	if (nr == NR_READV || nr == NR_WRITEV) {
		args->iovcnt = a2;
	} else if (nr == NR_SENDMSG || nr == NR_RECVMSG || nr == NR_SENDMMSG || nr == NR_RECVMMSG) {
		/* sendmmsg/recvmmsg (libuv's UDP, so dig and Node resolvers): the first message only; its msghdr leads
		 * the mmsghdr. Later messages of the same call are not seen (their bytes are not counted either). */
		bool multi = nr == NR_SENDMMSG || nr == NR_RECVMMSG;
		if ((nr == NR_RECVMSG || nr == NR_RECVMMSG) && ((multi ? a3 : a2) & MSG_PEEK))
			return 0;
		if (multi && a2 == 0)
			return 0;
		args->mmsg = multi ? a1 : 0;
		struct user_msghdr msg;
		if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)a1))
			return 0;
		args->buf = (__u64)msg.msg_iov;
		args->iovcnt = msg.msg_iovlen;
		args->addr = (__u64)msg.msg_name;
	} else if (nr == NR_SENDTO || nr == NR_RECVFROM) {
		if (nr == NR_RECVFROM && (a3 & MSG_PEEK))
			return 0;
		args->addr = a4;
	}
	args->nr = nr;
	return 0;
}

static __always_inline int on_exit(__u32 nr, long ret)
{
	struct call_args *found = bpf_task_storage_get(&active_calls, bpf_get_current_task_btf(), NULL, 0);
	if (!found || found->nr != nr)
		return 0;
	struct call_args args = *found;
	found->nr = NR_NONE;

	switch (nr) {
	case NR_CONNECT:
		on_connect_exit(&args, ret, PX_ROLE_CLIENT);
		break;
	case NR_ACCEPT: case NR_ACCEPT4:
		on_connect_exit(&args, ret, PX_ROLE_SERVER);
		break;
	case NR_SENDMMSG: case NR_RECVMMSG:
		/* ret is the number of messages; the first one's byte count is its mmsghdr.msg_len. */
		if (ret > 0 && args.mmsg) {
			__u32 len = 0;
			if (bpf_probe_read_user(&len, sizeof(len), (const void *)(args.mmsg + sizeof(struct user_msghdr))) == 0 && len > 0)
				on_data_exit(&args, len);
		}
		break;
	default:
		if (ret > 0)
			on_data_exit(&args, ret);
		break;
	}
	return 0;
}

/* One program per traced syscall: the kernel only calls them for these syscalls, so every other syscall
 * of the machine pays ~40 ns instead of ~250 ns for a raw sys_enter/sys_exit program that filters by number
 * (bench/overhead/syscall-cost.sh). Captured syscalls cost the same either way. */
/* A program may read only the arguments its syscall has (the attach fails with EACCES past the end of the
 * tracepoint's record), so each passes its own count; the rest are 0. */
#define ENTER(name, nr, nargs)                                                                 \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                            \
	int px_enter_##name(struct trace_event_raw_sys_enter *ctx)                             \
	{                                                                                      \
		return on_enter(nr, ctx->args[0], ctx->args[1], ctx->args[2],                  \
				(nargs) > 3 ? ctx->args[3] : 0, (nargs) > 4 ? ctx->args[4] : 0);\
	}
#define EXIT(name, nr)                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)              \
	int px_exit_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                       \
		return on_exit(nr, ctx->ret);                   \
	}

ENTER(read, NR_READ, 3) EXIT(read, NR_READ)
ENTER(write, NR_WRITE, 3) EXIT(write, NR_WRITE)
ENTER(readv, NR_READV, 3) EXIT(readv, NR_READV)
ENTER(writev, NR_WRITEV, 3) EXIT(writev, NR_WRITEV)
ENTER(sendto, NR_SENDTO, 5) EXIT(sendto, NR_SENDTO)
ENTER(recvfrom, NR_RECVFROM, 5) EXIT(recvfrom, NR_RECVFROM)
ENTER(sendmsg, NR_SENDMSG, 3) EXIT(sendmsg, NR_SENDMSG)
ENTER(recvmsg, NR_RECVMSG, 3) EXIT(recvmsg, NR_RECVMSG)
ENTER(sendmmsg, NR_SENDMMSG, 4) EXIT(sendmmsg, NR_SENDMMSG)
ENTER(recvmmsg, NR_RECVMMSG, 5) EXIT(recvmmsg, NR_RECVMMSG)
ENTER(connect, NR_CONNECT, 3) EXIT(connect, NR_CONNECT)
ENTER(accept, NR_ACCEPT, 3) EXIT(accept, NR_ACCEPT)
ENTER(accept4, NR_ACCEPT4, 4) EXIT(accept4, NR_ACCEPT4)
ENTER(close, NR_CLOSE, 1)
