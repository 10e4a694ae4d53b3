/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* clang-format off */
gboolean mg_file_load_contents (GFile         *file,
                                GCancellable  *cancellable,
                                char         **contents,
                                gsize         *length,
                                char         **etag_out,
                                GError       **error);
/* clang-format on */

G_END_DECLS
