/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gpointer mg_try_alloc_big (gsize size);

void mg_thread_set_background (void);

gboolean mg_file_load_contents (GFile        *file,
                                GCancellable *cancellable,
                                char        **contents,
                                gsize        *length,
                                char        **etag_out,
                                GError      **error);

G_END_DECLS
