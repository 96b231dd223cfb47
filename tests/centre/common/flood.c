/* Hostile connections for the flood test and benchmark (synctest_flood.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "synctest_flood.h"

const unsigned char synctest_hello_head[6] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};

int synctest_dial_from(const char *src, unsigned port)
{
  struct sockaddr_in a, b;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  inet_pton(AF_INET, src, &a.sin_addr);
  memset(&b, 0, sizeof b);
  b.sin_family = AF_INET;
  b.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, "127.0.0.1", &b.sin_addr);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      connect(fd, (struct sockaddr *)&b, sizeof b) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

SSL_CTX *synctest_tls_client_ctx(const char *dir, const char *id)
{
  char cert[700], key[700];
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx)
    return NULL;
  snprintf(cert, sizeof cert, "%s/%s.pem", dir, id);
  snprintf(key, sizeof key, "%s/%s.key", dir, id);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

SSL *synctest_tls_dial_from(SSL_CTX *ctx, const char *src, unsigned port, int *fd_out)
{
  int fd = synctest_dial_from(src, port);
  SSL *ssl;
  if (fd < 0)
    return NULL;
  ssl = SSL_new(ctx);
  if (!ssl) {
    close(fd);
    return NULL;
  }
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) {
    SSL_free(ssl);
    close(fd);
    return NULL;
  }
  *fd_out = fd;
  return ssl;
}
