/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void mg_bench_library_window (const char     *tmp,
                              GtkApplication *application);

G_END_DECLS
