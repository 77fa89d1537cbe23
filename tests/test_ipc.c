/*
 * test_ipc.c - the communication mechanisms, between two threads and
 * between two processes:
 *   - every channel passes exactly the tokens of a ping-pong (each side
 *     counts its round trips, and a lost or extra token would hang or
 *     fail the round);
 *   - every stream delivers every message intact and in order, every
 *     byte checked, for sizes from 1 byte to more than the ring holds;
 *   - wake-up samples are never early (lateness >= 0).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "check.h"
#include "ipc/channel.h"
#include "ipc/exchange.h"
#include "ipc/stream.h"
#include "team/team.h"
#include "work/workloads.h"

#define MODES 2

static void *shared(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static const rt_placement *unpinned = NULL;

static void test_channels(void)
{
    enum { TRIPS = 3000 };
    for (int k = 0; k < RT_CH_KINDS; k++) {
        for (int m = 0; m < MODES; m++) {
            char err[512];
            rt_channel *ch = shared(rt_channel_bytes());
            CHECK(ch && rt_channel_init(ch, (rt_channel_kind)k, err, sizeof err) == 0, "%s", err);
            rt_pingpong_config cfg = { ch };
            rt_team_config tc = { (rt_team_mode)m, 2, unpinned, &rt_work_pingpong, &cfg, 0 };
            rt_team *team = rt_team_start(&tc, err, sizeof err);
            rt_round r = { 0 };
            for (int round = 0; team && round < 2; round++)
                CHECK(rt_team_round(team, 2 * TRIPS, &r, err, sizeof err) == 0 &&
                          r.checksum == 2 * TRIPS,
                      "%s, %s: %s", rt_channel_names[k], rt_team_mode_names[m], err);
            CHECK(rt_team_stop(team, err, sizeof err) == 0, "%s", err);
            CHECK(!rt_channel_pending(ch, 0) && !rt_channel_pending(ch, 1),
                  "%s, %s: no stray token is left", rt_channel_names[k], rt_team_mode_names[m]);
            rt_channel_post(ch, 1);
            CHECK(rt_channel_pending(ch, 1) && !rt_channel_pending(ch, 0),
                  "%s: a posted token is seen on its side only", rt_channel_names[k]);
            rt_channel_destroy(ch);
            munmap(ch, rt_channel_bytes());
        }
        /* The one-worker baseline uses the same channel without a partner. */
        char err[512];
        rt_channel *ch = shared(rt_channel_bytes());
        rt_channel_init(ch, (rt_channel_kind)k, err, sizeof err);
        rt_pingpong_config cfg = { ch };
        rt_team_config tc = { RT_TEAM_THREADS, 1, unpinned, &rt_work_one_worker, &cfg, 0 };
        rt_team *team = rt_team_start(&tc, err, sizeof err);
        rt_round r = { 0 };
        CHECK(team && rt_team_round(team, TRIPS, &r, err, sizeof err) == 0 && r.checksum == TRIPS,
              "%s one-worker: %s", rt_channel_names[k], err);
        rt_team_stop(team, NULL, 0);
        rt_channel_destroy(ch);
        munmap(ch, rt_channel_bytes());
    }
}

static void test_streams(void)
{
    enum { RING = 4096 };
    const size_t sizes[] = { 1, 8, 13, 4096, 10007 };   /* 10007 > the ring */
    for (int k = 0; k < RT_STREAM_KINDS; k++)
        for (int m = 0; m < MODES; m++)
            for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
                char err[512];
                int64_t messages = sizes[z] > 1000 ? 200 : 5000;
                rt_stream *s = shared(rt_stream_bytes(RING));
                CHECK(s && rt_stream_init(s, (rt_stream_kind)k, RING, err, sizeof err) == 0,
                      "%s", err);
                rt_stream_config cfg = { s, sizes[z], true };
                rt_team_config tc = { (rt_team_mode)m, 2, unpinned, &rt_work_stream, &cfg, 0 };
                rt_team *team = rt_team_start(&tc, err, sizeof err);
                rt_round r = { 0 };
                CHECK(team && rt_team_round(team, 2 * messages, &r, err, sizeof err) == 0,
                      "%s, %s, %zu B: %s", rt_stream_names[k], rt_team_mode_names[m], sizes[z],
                      err);
                CHECK(r.checksum == rt_index_checksum(0, messages),
                      "%s, %s, %zu B: every message once, in order", rt_stream_names[k],
                      rt_team_mode_names[m], sizes[z]);
                rt_team_stop(team, NULL, 0);
                rt_stream_destroy(s);
                munmap(s, rt_stream_bytes(RING));
            }
    /* The check itself catches damage and disorder. */
    uint8_t buf[64];
    rt_message_fill(buf, sizeof buf, 7);
    CHECK(rt_message_check(buf, sizeof buf, 7, true), "an intact message passes");
    CHECK(!rt_message_check(buf, sizeof buf, 8, true), "a message out of order fails");
    buf[30] ^= 1;
    CHECK(!rt_message_check(buf, sizeof buf, 7, true), "a damaged byte fails a full check");
}

static void test_wakeup(void)
{
    enum { SAMPLES = 20, GAP_US = 500 };
    for (int k = 0; k < RT_WAKE_KINDS; k++)
        for (int m = 0; m < MODES; m++) {
            char err[512];
            rt_wake_shared *w = shared(rt_wake_shared_bytes(SAMPLES));
            CHECK(w && rt_wake_shared_init(w) == 0, "wake-up shared state");
            rt_wake_config cfg = { (rt_wake_kind)k, w, GAP_US };
            rt_team_config tc = { (rt_team_mode)m, 2, unpinned, &rt_work_wakeup, &cfg, 0 };
            rt_team *team = rt_team_start(&tc, err, sizeof err);
            rt_round r = { 0 };
            CHECK(team && rt_team_round(team, 2 * SAMPLES, &r, err, sizeof err) == 0, "%s", err);
            int early = 0;
            for (int i = 0; i < SAMPLES; i++)
                early += w->late_ns[i] < 0;
            CHECK(early == 0, "%s, %s: %d samples ran before their signal or deadline",
                  rt_wake_names[k], rt_team_mode_names[m], early);
            CHECK(r.seconds >= SAMPLES * GAP_US * 1e-6, "%s: the gaps were kept",
                  rt_wake_names[k]);
            rt_team_stop(team, NULL, 0);
            rt_wake_shared_destroy(w);
            munmap(w, rt_wake_shared_bytes(SAMPLES));
        }
}

int main(void)
{
    test_channels();
    test_streams();
    test_wakeup();
    return check_summary();
}
