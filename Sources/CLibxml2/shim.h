#ifndef ROTATION_CLIBXML2_SHIM_H
#define ROTATION_CLIBXML2_SHIM_H
// Debian builds libxml2 with ICU, so encoding.h would include the system's <unicode/ucnv.h>, whose types clash with
// the ICU copy Foundation carries. Rotation never touches an encoding handler's ICU fields (only pointers to the
// handler), so the headers are read without them.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
