// Per-syscall cost with and without the tracer attached, in thread CPU time (robust to other load on the
// machine, unlike req/s). Loops: getpid (a syscall the tracer ignores), write to /dev/null (a file: fd resolved,
// then skipped), and an HTTP-looking 100-byte write + read over a loopback TCP connection (captured both ways).
// Usage: syscall-cost [iterations=200000]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double thread_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void tcp_pair(int *client, int *server)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 1) ||
	    getsockname(listener, (struct sockaddr *)&addr, &len)) {
		perror("listen");
		exit(1);
	}
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(*client, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("connect");
		exit(1);
	}
	*server = accept(listener, NULL, NULL);
	close(listener);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	char buf[100];
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "GET /bench HTTP/1.1\r\n", 21);

	double t0 = thread_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	double getpid_ns = (thread_ns() - t0) / n;

	int devnull = open("/dev/null", O_WRONLY);
	t0 = thread_ns();
	for (long i = 0; i < n; i++)
		if (write(devnull, buf, sizeof(buf)) != sizeof(buf))
			return 1;
	double file_ns = (thread_ns() - t0) / n;

	int client, server;
	tcp_pair(&client, &server);
	t0 = thread_ns();
	for (long i = 0; i < n; i++) {
		if (write(client, buf, sizeof(buf)) != sizeof(buf))
			return 1;
		for (size_t got = 0; got < sizeof(buf);) {
			ssize_t r = read(server, buf + got, sizeof(buf) - got);
			if (r <= 0)
				return 1;
			got += r;
		}
	}
	double tcp_ns = (thread_ns() - t0) / n;
	printf("getpid %.0f ns | write /dev/null %.0f ns | tcp write+read 100 B %.0f ns\n", getpid_ns, file_ns, tcp_ns);
	return 0;
}
