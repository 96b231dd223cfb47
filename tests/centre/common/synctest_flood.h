/*
 * Hostile connections for the flood test (tests/centre/test_flood.c) and the flood
 * benchmark (bench/centre/bench_flood.c): TCP from a chosen loopback address, so that
 * the centre's per-address cap meets the flood and not the terminal on 127.0.0.1, and
 * TLS with a terminal's certificate. The caller owns every descriptor and SSL returned.
 */
#ifndef SYNCTEST_FLOOD_H
#define SYNCTEST_FLOOD_H

#include <openssl/ssl.h>

/* The first 6 bytes of a TLS 1.x ClientHello record: a handshake that starts and stalls. */
extern const unsigned char synctest_hello_head[6];

/* A TCP connection from src (a 127.0.0.x address) to 127.0.0.1:port; -1 (errno set)
 * on failure. */
int synctest_dial_from(const char *src, unsigned port);

/* A TLS client context presenting terminal id's certificate and key from dir
 * (<id>.pem, <id>.key, as synctest_pki_make writes them); NULL on failure. */
SSL_CTX *synctest_tls_client_ctx(const char *dir, const char *id);

/* A TLS connection from src with the handshake done; its descriptor in *fd_out. NULL
 * (nothing left open) on failure. */
SSL *synctest_tls_dial_from(SSL_CTX *ctx, const char *src, unsigned port, int *fd_out);

#endif
