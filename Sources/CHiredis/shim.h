#ifndef ROTATION_CHIREDIS_SHIM_H
#define ROTATION_CHIREDIS_SHIM_H
#include <sys/time.h>
#include <hiredis/hiredis.h>

/// The connection's error string as a plain pointer (a char array member does not import as a C string).
static inline const char *rotation_redis_errstr(const redisContext *c) { return c->errstr; }

/// The connection's file descriptor, for poll() on a connection that must not block.
static inline int rotation_redis_fd(const redisContext *c) { return c->fd; }
#endif
