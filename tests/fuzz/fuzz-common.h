/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdlib.h>

/* What the fuzz targets share: warnings (about what an
 * input holds) are expected; criticals (a failed g_return_if_fail) and
 * errors are bugs, so they abort, for libFuzzer to keep the input. */

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      abort ();
    }

  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_abort_on_criticals (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}
