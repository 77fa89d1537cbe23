/*
 * apart.h - how far apart the library keeps data that different threads
 * or processes write often: 256 bytes, four 64-byte cache lines.  Two
 * lines would keep writers off each other's line, but the adjacent-line
 * prefetcher moves lines in aligned pairs, so data 128 B apart can still
 * be pulled away with its neighbour (will-it-scale found 128 B not
 * enough); 256 B keeps each writer's pair its own.  The one exception is
 * on purpose: the sharded-unpadded counter, whose point is false sharing.
 */
#ifndef RT_APART_H
#define RT_APART_H

#define RT_APART_BYTES 256

#endif /* RT_APART_H */
