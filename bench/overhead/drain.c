// Trivial consumer for the overhead bench: load + attach the socket tracer, drain every 10 ms, print stats.
// Usage: drain SECONDS [max_copy]; SIGINT/SIGTERM stop it early (stats are still printed).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include "pxbpf.h"
#include "socket_trace.h"

static unsigned long long records, data_events;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int count(void *ctx, const void *data, unsigned long size)
{
	(void)ctx;
	(void)size;
	records++;
	if (((const struct px_event_header *)data)->type == PX_EVENT_DATA)
		data_events++;
	return 0;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	struct pxbpf_config cfg = {
		.agent_tgid = (unsigned)getpid(),
		.max_copy = argc > 2 ? atoi(argv[2]) : 0,
		.flags = getenv("NO_MOUNT") ? 0 : PXBPF_F_MOUNT_TRACEFS,
	};
	struct pxbpf *px;
	char err[4096];
	int rc = pxbpf_open(&cfg, &px);
	if (rc) {
		pxbpf_last_error(err, sizeof(err));
		fprintf(stderr, "open: %s\n%s\n", strerror(-rc), err);
		return 1;
	}
	if ((rc = pxbpf_attach(px))) {
		pxbpf_last_error(err, sizeof(err));
		fprintf(stderr, "attach: %s\n%s\n", strerror(-rc), err);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "attached\n");
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		if ((rc = pxbpf_poll(px, 10, count, NULL)) < 0) {
			fprintf(stderr, "poll: %s\n", strerror(-rc));
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (!stop && now.tv_sec - start.tv_sec < seconds);
	struct pxbpf_stats st;
	pxbpf_stats(px, &st);
	printf("records=%llu data=%llu events=%llu drops=%llu bytes=%llu\n", records, data_events,
	       (unsigned long long)st.events, (unsigned long long)st.drops, (unsigned long long)st.bytes_copied);
	pxbpf_close(px);
	return 0;
}
