#pragma once
/// The one include of libpri.h: it has no extern "C" guards. Private to lab/pstn/q931/.
extern "C" {
#include <libpri.h>
}
