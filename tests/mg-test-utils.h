/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*MgTestCondition) (gpointer user_data);

void        mg_test_isolate_user_dirs (const char *name);
const char *mg_test_get_user_dirs_root (void);
void        mg_test_remove_user_dirs (void);
void        mg_test_remove_tree (const char *path);
gboolean    mg_test_iterate_until (MgTestCondition condition,
                                   gpointer        user_data,
                                   guint           seconds);
gboolean    mg_test_wait_for_idle (guint seconds);

G_END_DECLS
