/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of the command line, documented in --help. */
typedef enum
{
  MG_CLI_OK = 0,
  MG_CLI_NO_MATCH = 1, /* --search found nothing */
  MG_CLI_USAGE = 2,
  MG_CLI_NO_DOCUMENT = 3,
  MG_CLI_NOTHING_STORED = 4,
  MG_CLI_FAILED = 5,
} MgCliStatus;

gboolean mg_cli_wants_headless (int    argc,
                                char **argv);
int      mg_cli_run (int    argc,
                     char **argv);

G_END_DECLS
