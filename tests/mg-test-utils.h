/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

void        mg_test_isolate_user_dirs  (const char *name);
const char *mg_test_get_user_dirs_root (void);
void        mg_test_remove_user_dirs   (void);

/* clang-format on */

G_END_DECLS
