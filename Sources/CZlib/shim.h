#ifndef ROTATION_CZLIB_SHIM_H
#define ROTATION_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes the library version and the stream's size): a function Swift can call.
static inline int rotation_inflate_init(z_streamp stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}
#endif
