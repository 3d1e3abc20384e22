/* SPDX-License-Identifier: Apache-2.0 */
/* Protocol inference on the first bytes of a chunk, in the kernel, so that connections of no known protocol are
 * never copied. The same rules exist in C# (each parser's LooksLike*), which tests keep in step. Order as in
 * Pixie's infer_protocol: TLS, HTTP/1, HTTP/2, PostgreSQL, MySQL, Redis; DNS on datagram sockets and TCP port 53. */
#pragma once

#define PX_PEEK 16 /* bytes looked at */
#define PX_INFER_TLS 0xffff /* not a protocol: a TLS record, the connection's syscall bytes are ciphertext */

static __always_inline bool starts_with(const __u8 *b, const char *prefix, int n)
{
	for (int i = 0; i < n; i++) {
		if (b[i] != (__u8)prefix[i])
			return false;
	}
	return true;
}

/* HTTP/1 request line or status line at the start of a chunk. */
static __always_inline bool looks_like_http(const __u8 *b)
{
	switch (b[0]) {
	case 'G': return starts_with(b, "GET ", 4);
	case 'P': return starts_with(b, "POST ", 5) || starts_with(b, "PUT ", 4) || starts_with(b, "PATCH ", 6);
	case 'D': return starts_with(b, "DELETE ", 7);
	case 'H': return starts_with(b, "HEAD ", 5) || starts_with(b, "HTTP/1.", 7);
	case 'O': return starts_with(b, "OPTIONS ", 8);
	case 'C': return starts_with(b, "CONNECT ", 8);
	case 'T': return starts_with(b, "TRACE ", 6);
	default: return false;
	}
}

static __always_inline __u32 be32(const __u8 *b)
{
	return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
}

/* A TLS record header: handshake (22), change cipher spec (20), alert (21) or application data (23), version 3.x. */
static __always_inline bool looks_like_tls(const __u8 *b, __u32 n)
{
	return n >= 5 && b[0] >= 20 && b[0] <= 23 && b[1] == 3 && b[2] <= 4;
}

static __always_inline bool looks_like_http2(const __u8 *b, __u32 n)
{
	return n >= 16 && starts_with(b, "PRI * HTTP/2.0\r\n", 16);
}

/* Startup message (protocol 3.0), SSLRequest / GSSENCRequest, or a Query/Parse message with a plausible length. */
static __always_inline bool looks_like_pgsql(const __u8 *b, __u32 n)
{
	if (n < 8)
		return false;
	__u32 len = be32(b);
	if (len >= 8 && len <= 10000 && b[4] == 0 && b[5] == 3 && b[6] == 0 && b[7] == 0)
		return true;
	if (len == 8 && b[4] == 0x04 && b[5] == 0xd2 && b[6] == 0x16 && (b[7] == 0x2f || b[7] == 0x30))
		return true;
	if (b[0] == 'Q' || b[0] == 'P') {
		__u32 mlen = be32(b + 1);
		return mlen >= 5 && mlen <= (1u << 20) && b[5] >= 0x20 && b[5] <= 0x7e;
	}
	return false;
}

/* A server greeting (protocol 10) or a command packet with sequence id 0. */
static __always_inline bool looks_like_mysql(const __u8 *b, __u32 n, __u64 total)
{
	if (n < 5)
		return false;
	__u32 len = b[0] | ((__u32)b[1] << 8) | ((__u32)b[2] << 16);
	if (b[3] != 0 || len == 0)
		return false;
	if (b[4] == 0x0a && len >= 20 && len <= 1024 && n >= 6 && b[5] >= '0' && b[5] <= '9')
		return true;
	switch (b[4]) {
	case 0x03: /* COM_QUERY: text follows */
	case 0x16: /* COM_STMT_PREPARE */
		return len > 1 && n >= 6 && ((b[5] >= 0x20 && b[5] <= 0x7e) || b[5] == '\n' || b[5] == '\t');
	case 0x17: /* COM_STMT_EXECUTE: statement id, flags, iteration count */
		return len >= 10 && len + 4 <= total;
	case 0x01: case 0x0e: /* COM_QUIT, COM_PING */
		return len == 1 && total == 5;
	case 0x02: case 0x19: case 0x1a: /* COM_INIT_DB, COM_STMT_CLOSE, COM_STMT_RESET */
		return len + 4 == total;
	default:
		return false;
	}
}

static __always_inline bool is_digit(__u8 c)
{
	return c >= '0' && c <= '9';
}

/* A RESP array of bulk strings: "*<1-3 digits>\r\n$". The bytes are loaded first, at fixed offsets: with
 * loads inside the branches clang merges them into one load at a computed stack address (an or on the frame
 * pointer), which the verifier rejects. b always holds PX_PEEK bytes (zero past n). */
static __always_inline bool looks_like_redis(const __u8 *b, __u32 n)
{
	__u8 c0 = b[0], c1 = b[1], c2 = b[2], c3 = b[3], c4 = b[4], c5 = b[5], c6 = b[6];
	barrier_var(c2);
	barrier_var(c3);
	barrier_var(c4);
	barrier_var(c5);
	barrier_var(c6);
	if (n < 5 || c0 != '*' || !is_digit(c1))
		return false;
	if (c2 == '\r')
		return c3 == '\n' && c4 == '$';
	if (n < 6 || !is_digit(c2))
		return false;
	if (c3 == '\r')
		return c4 == '\n' && c5 == '$';
	if (n < 7 || !is_digit(c3))
		return false;
	return c4 == '\r' && c5 == '\n' && c6 == '$';
}

/* A DNS header: opcode QUERY, Z clear, one question, at most 64 records per section. */
static __always_inline bool looks_like_dns(const __u8 *b, __u32 n)
{
	if (n < 12)
		return false;
	if ((b[2] & 0x78) != 0 || (b[3] & 0x40) != 0)
		return false;
	if (b[4] != 0 || b[5] != 1)
		return false;
	return b[6] == 0 && b[7] <= 64 && b[8] == 0 && b[9] <= 64 && b[10] == 0 && b[11] <= 64;
}

/* The protocol of a chunk whose first n (<= PX_PEEK) bytes are b and whose syscall moved total bytes. */
static __always_inline __u32 infer_protocol(const __u8 *b, __u32 n, __u64 total, bool dgram, bool port53)
{
	if (dgram)
		return looks_like_dns(b, n) ? PX_PROTO_DNS : PX_PROTO_UNKNOWN;
	if (looks_like_tls(b, n))
		return PX_INFER_TLS;
	if (n >= 8 && looks_like_http(b))
		return PX_PROTO_HTTP;
	if (looks_like_http2(b, n))
		return PX_PROTO_HTTP2;
	if (looks_like_pgsql(b, n))
		return PX_PROTO_PGSQL;
	if (looks_like_mysql(b, n, total))
		return PX_PROTO_MYSQL;
	if (looks_like_redis(b, n))
		return PX_PROTO_REDIS;
	/* DNS over TCP: a 2-byte length, then the header. Only on port 53: the header alone is weak evidence. */
	if (port53 && n >= 14 && looks_like_dns(b + 2, n - 2))
		return PX_PROTO_DNS;
	return PX_PROTO_UNKNOWN;
}
