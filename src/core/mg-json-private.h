/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deeper JSON is refused before it reaches json-glib's recursive parser. */
#define MG_JSON_MAX_DEPTH 64

/* clang-format off */
gboolean mg_json_check_depth       (const char *data,
                                    gsize       len);
char    *mg_json_repair_surrogates (const char *data,
                                    gsize       len);
/* clang-format on */

G_END_DECLS
