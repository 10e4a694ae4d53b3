/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the libFuzzer targets share. */

#include <glib.h>
#include <stdlib.h>

/* Warnings (e.g. about entries that cannot be read) are expected and
 * kept quiet; criticals (a failed g_return_if_fail) are bugs. */
static inline GLogWriterOutput
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
