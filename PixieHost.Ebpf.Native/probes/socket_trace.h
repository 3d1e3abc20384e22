/* SPDX-License-Identifier: Apache-2.0 */
/* Events the socket_trace BPF program sends to user space. Plain fixed-size structs, no pointers.
 * The C# mirrors live in PixieHost.Modules/Pem/Ebpf/SocketEvents.cs and are checked against
 * pxbpf_struct_size() at start-up: change both together. */
#pragma once

/* Bytes copied per syscall. More than this is reported in msg_size but not copied: user space sees a gap. */
#define PX_MAX_DATA 16384

enum px_event_type {
	PX_EVENT_OPEN = 1,  /* connection seen: connect/accept returned, or an existing socket met for the first time */
	PX_EVENT_CLOSE = 2, /* close() of a traced socket */
	PX_EVENT_DATA = 3,  /* bytes sent or received on a traced socket */
};

enum px_role {
	PX_ROLE_UNKNOWN = 0, /* socket existed before the probes attached */
	PX_ROLE_CLIENT = 1,  /* the process called connect() */
	PX_ROLE_SERVER = 2,  /* the process called accept() */
};

enum px_direction {
	PX_DIR_SEND = 0, /* egress: write/send* */
	PX_DIR_RECV = 1, /* ingress: read/recv* */
};

/* Pixie's traffic_protocol_t values (conn_stats.protocol). */
enum px_protocol {
	PX_PROTO_UNKNOWN = 0,
	PX_PROTO_HTTP = 1,
	PX_PROTO_HTTP2 = 2,
	PX_PROTO_MYSQL = 3,
	PX_PROTO_CQL = 4,
	PX_PROTO_PGSQL = 5,
	PX_PROTO_DNS = 6,
	PX_PROTO_REDIS = 7,
};

/* socket_data_event.flags */
enum px_data_flags {
	PX_DATA_F_SSL = 1, /* plaintext read from a TLS library call (SSL_read/SSL_write), not from the socket */
};

/* Identity of one connection: the generation tells apart two sockets that reused the same fd. */
struct px_conn_id {
	__u32 tgid;
	__s32 fd;
	__u64 generation; /* bpf_ktime_get_ns() when the connection was first seen */
};

struct px_sockaddr {
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 port;   /* host byte order */
	__u8 addr[16]; /* IPv4 in the first 4 bytes, network order */
};

/* Common prefix of every event. */
struct px_event_header {
	__u64 ts_ns;  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 type;   /* enum px_event_type */
	__u32 role;   /* enum px_role */
	struct px_conn_id conn;
};

struct socket_control_event {
	struct px_event_header hdr;
	struct px_sockaddr local;
	struct px_sockaddr remote;
	__u64 bytes_sent; /* totals at close; 0 on open */
	__u64 bytes_recv;
	/* Start of the owning process in clock ticks since boot (USER_HZ = 100), as field 22 of /proc/PID/stat:
	 * the third part of the UPID, read here because short-lived clients are gone before user space could look. */
	__u64 start_ticks;
	__u32 sock_type; /* SOCK_STREAM (1) or SOCK_DGRAM (2) */
	__u32 pad;
};

struct socket_data_event {
	struct px_event_header hdr;
	__u64 position;  /* offset of the first byte in this direction's stream */
	__u32 msg_size;  /* bytes the syscall moved */
	__u32 data_size; /* bytes copied into data[] (<= msg_size, <= PX_MAX_DATA) */
	__u32 direction; /* enum px_direction */
	__u32 protocol;  /* enum px_protocol */
	__u32 flags;     /* enum px_data_flags */
	__u32 pad;
	/* data_size bytes follow */
};
