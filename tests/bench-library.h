/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void mg_bench_library (const char *tmp);

G_END_DECLS
