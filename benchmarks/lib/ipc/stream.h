/*
 * stream.h - a one-way byte stream from side 1 (producer) to side 0
 * (consumer), three ways:
 *   ring        a single-producer, single-consumer ring buffer in shared
 *               memory; the waiting side polls, yielding every
 *               RT_SPIN_YIELD_POLLS polls
 *   pipe        a pipe (the kernel's default size)
 *   socketpair  an AF_UNIX stream socketpair (default buffers)
 * Messages are framed by the reader asking for exactly their size.
 * A message of sequence number seq carries seq in its first 8 bytes and
 * the byte (seq + k) mod 256 at every offset k >= 8, so the consumer can
 * check that it arrived intact and in order.
 */
#ifndef RT_STREAM_H
#define RT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum rt_stream_kind { RT_STREAM_RING, RT_STREAM_PIPE, RT_STREAM_SOCKETPAIR,
                              RT_STREAM_KINDS } rt_stream_kind;
extern const char *const rt_stream_names[];      /* NULL-terminated */

typedef struct rt_stream rt_stream;
/* Bytes of shared memory a stream needs (the ring's data included). */
size_t rt_stream_bytes(size_t ring_bytes);
int rt_stream_init(rt_stream *s, rt_stream_kind kind, size_t ring_bytes, char *err,
                   size_t errlen);
void rt_stream_destroy(rt_stream *s);
/* Blocking: all n bytes.  Return 0, or -1 (errno). */
int rt_stream_send(rt_stream *s, const void *buf, size_t n);
int rt_stream_recv(rt_stream *s, void *buf, size_t n);

void rt_message_fill(uint8_t *buf, size_t n, uint64_t seq);
/* full: check every byte; otherwise the sequence number and the last byte. */
bool rt_message_check(const uint8_t *buf, size_t n, uint64_t seq, bool full);

#endif /* RT_STREAM_H */
