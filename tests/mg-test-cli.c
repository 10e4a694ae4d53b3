/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line tests' one way to run "marginalia ARGS…" in their own
 * process: mg_cli_run() as main() calls it, without a display. */
#include "config.h"

#include <stdarg.h>

#include "mg-cli.h"
#include "mg-test-cli.h"

/**
 * mg_test_cli_run:
 * @first: the first argument after the program's name
 * @...: more arguments, then %NULL
 *
 * Returns: the exit status mg_cli_run() gives for "marginalia @first …"
 */
int
mg_test_cli_run (const char *first,
                 ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, (gpointer) "marginalia");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return mg_cli_run (argv->len - 1, (char **) argv->pdata);
}
