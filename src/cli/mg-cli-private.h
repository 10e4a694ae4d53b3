/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the parts of the command line share: mg-cli.c parses the options
 * and runs the export, import and merge driver; mg-cli-library.c runs
 * --list and --search. */

#include "mg-cli.h"

G_BEGIN_DECLS

void mg_cli_fail (const char *format,
                  ...) G_GNUC_PRINTF (1, 2);

int mg_cli_run_list (void);
int mg_cli_run_search (const char *query);

G_END_DECLS
