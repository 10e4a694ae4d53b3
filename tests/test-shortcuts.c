/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window.h"

/* The keyboard shortcuts window as a user opens it (Ctrl+?, or the main
 * menu): it opens on its General group, and the six colour shortcuts are
 * one entry, "Ctrl+1…Ctrl+6". */

static MgApplication *app;

static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static gboolean
mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_opens_on_general (void)
{
  /* GTK 4.8's own shortcuts window warns that it measured a label below
   * zero width (a GTK bug): warnings are not fatal here. */
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  MgWindow      *window = mg_window_new (GTK_APPLICATION (app));
  g_autoptr (GPtrArray) stacks = g_ptr_array_new ();
  g_autoptr (GPtrArray) groups = g_ptr_array_new ();
  g_autoptr (GPtrArray) shortcuts = g_ptr_array_new ();
  GtkShortcutsWindow *help;
  GtkWidget          *page;
  guint               colour_entries = 0;
  gboolean            general_shown = FALSE;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (mg_test_iterate_until (mapped, window, 30));

  /* Built when first asked for (mg-shortcuts.c), with GTK's usual key. */
  {
    g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");

    g_assert_nonnull (accels);
    g_assert_cmpstr (accels[0], ==, "<Control>question");
  }
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  help = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (help);
  g_assert_true (mg_test_iterate_until (mapped, help, 30));
  wait_ms (200);

  /* The page on screen holds General (GTK 4.8 showed the section's last
   * page first when its groups took more than one). */
  collect (GTK_WIDGET (help), GTK_TYPE_STACK, stacks);
  page = NULL;
  for (guint i = 0; i < stacks->len && page == NULL; i++)
    {
      GtkStack  *stack = g_ptr_array_index (stacks, i);
      GtkWidget *visible = gtk_stack_get_visible_child (stack);

      /* The section's stack of pages: its pages hold groups. */
      if (visible != NULL)
        {
          g_autoptr (GPtrArray) inner = g_ptr_array_new ();

          collect (visible, GTK_TYPE_SHORTCUTS_GROUP, inner);
          if (inner->len > 0 && !GTK_IS_SHORTCUTS_SECTION (visible))
            page = visible;
        }
    }
  g_assert_nonnull (page);
  collect (page, GTK_TYPE_SHORTCUTS_GROUP, groups);
  for (guint i = 0; i < groups->len; i++)
    {
      g_autofree char *title = NULL;

      g_object_get (g_ptr_array_index (groups, i), "title", &title, NULL);
      if (g_strcmp0 (title, "General") == 0 && gtk_widget_get_mapped (g_ptr_array_index (groups, i)))
        general_shown = TRUE;
    }
  g_assert_true (general_shown);

  /* One entry for the six colours, with the range as its keys, on the
   * page shown (the window's search keeps copies of every entry). */
  collect (page, GTK_TYPE_SHORTCUTS_SHORTCUT, shortcuts);
  g_assert_cmpuint (shortcuts->len, >, 10);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *accelerator = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i), "accelerator", &accelerator, NULL);
      if (accelerator == NULL || strstr (accelerator, "<ctrl>1") == NULL)
        continue;
      g_assert_cmpstr (accelerator, ==, "<ctrl>1...<ctrl>6");
      colour_entries++;
    }
  g_assert_cmpuint (colour_entries, ==, 1);

  /* One page, which a 1280 × 720 screen holds. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (help)), <=, 1280);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (help)), <=, 720);

  gtk_window_close (GTK_WINDOW (help));
  mg_test_close_window (GTK_WINDOW (window));
  g_log_set_always_fatal (fatal);
}

int
main (int   argc,
      char *argv[])
{
  app = mg_test_ui_init (&argc, &argv, "test-shortcuts");

  g_test_add_func ("/shortcuts/opens-on-general", test_opens_on_general);

  return mg_test_ui_run (app);
}
