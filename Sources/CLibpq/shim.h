#ifndef ROTATION_CLIBPQ_SHIM_H
#define ROTATION_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
