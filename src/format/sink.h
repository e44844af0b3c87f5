// Kept so that files not yet updated still find Sink, which now lives in core/sink.h.
// TODO(layers): remove once format/cell_text.h includes core/sink.h.
#pragma once

#include "core/sink.h"
