#pragma once
/// The one include of libpri.h in isdn/: it has no extern "C" guards, and libpri is
/// GPL-2.0-only, so it stays private to this folder (never included from a public header).
extern "C" {
#include <libpri.h>
}
