/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "mg-preferences-window.h"
#include "mg-reading-style.h"
#include "mg-test-utils.h"

/* Reading comfort: the settings applied to a reader (a text view in a
 * clamp in a scrolled window, as in the main window), the preferences
 * window bound to them, zoom, and where the top of the view is (the table
 * of reading positions is tested in test-reading-positions.c). GSettings
 * is the memory backend; the state folder is a temporary one. */

typedef struct
{
  GSettings          *settings;
  GtkWindow          *window;
  GtkScrolledWindow  *scroller;
  AdwClampScrollable *clamp;
  GtkTextView        *view;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->settings = g_settings_new (APP_ID);
  f->window = GTK_WINDOW (gtk_window_new ());
  f->scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  f->clamp = ADW_CLAMP_SCROLLABLE (adw_clamp_scrollable_new ());
  f->view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (f->view), "Some text to read.", -1);
  adw_clamp_scrollable_set_child (f->clamp, GTK_WIDGET (f->view));
  gtk_scrolled_window_set_child (f->scroller, GTK_WIDGET (f->clamp));
  gtk_window_set_child (f->window, GTK_WIDGET (f->scroller));
  gtk_window_present (f->window);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  gtk_window_destroy (f->window);
  /* The memory backend is shared by all the tests of the program. */
  g_settings_reset (f->settings, "font-family");
  g_settings_reset (f->settings, "custom-font");
  g_settings_reset (f->settings, "font-size");
  g_settings_reset (f->settings, "line-spacing");
  g_settings_reset (f->settings, "text-width");
  g_settings_reset (f->settings, "color-scheme");
  g_clear_object (&f->settings);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static double
get_dpi (GtkWidget *widget)
{
  int xft_dpi = -1;

  g_object_get (gtk_widget_get_settings (widget), "gtk-xft-dpi", &xft_dpi, NULL);

  return xft_dpi > 0 ? xft_dpi / 1024.0 : 96.0;
}

/* Restyling happens on the next frames. */
static void
iterate (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_spacing_arithmetic (void)
{
  int inside, below;

  /* 20 pt at 96 dpi is 26.67 px. */
  mg_reading_style_compute_spacing (20 * 96 / 72.0, 2.0, &inside, &below);
  g_assert_cmpint (inside, ==, 27);
  g_assert_cmpint (below, ==, 27 + 13);

  mg_reading_style_compute_spacing (20 * 96 / 72.0, 1.0, &inside, &below);
  g_assert_cmpint (inside, ==, 0);
  g_assert_cmpint (below, ==, 13);

  mg_reading_style_compute_spacing (13 * 96 / 72.0, 1.5, &inside, &below);
  g_assert_cmpint (inside, ==, 9);
  g_assert_cmpint (below, ==, 9 + 9);
}

static void
test_apply_layout (Fixture      *f,
                   gconstpointer data)
{
  double dpi = get_dpi (GTK_WIDGET (f->view));
  int    inside, below;

  mg_reading_style_apply (f->settings, f->view, f->clamp);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->view), "mg-reading"));
  g_assert_cmpint (adw_clamp_scrollable_get_maximum_size (f->clamp), ==, 720);
  mg_reading_style_compute_spacing (13 * dpi / 72.0, 1.5, &inside, &below);
  g_assert_cmpint (gtk_text_view_get_pixels_inside_wrap (f->view), ==, inside);
  g_assert_cmpint (gtk_text_view_get_pixels_below_lines (f->view), ==, below);

  /* Changes apply at once. */
  g_settings_set_int (f->settings, "font-size", 20);
  g_settings_set_double (f->settings, "line-spacing", 2.0);
  g_settings_set_int (f->settings, "text-width", 960);
  mg_reading_style_compute_spacing (20 * dpi / 72.0, 2.0, &inside, &below);
  g_assert_cmpint (inside, >, 20);
  g_assert_cmpint (gtk_text_view_get_pixels_inside_wrap (f->view), ==, inside);
  g_assert_cmpint (gtk_text_view_get_pixels_below_lines (f->view), ==, below);
  g_assert_cmpint (adw_clamp_scrollable_get_maximum_size (f->clamp), ==, 960);

  g_settings_set_double (f->settings, "line-spacing", 1.0);
  g_assert_cmpint (gtk_text_view_get_pixels_inside_wrap (f->view), ==, 0);
}

/* GTK gives Pango absolute sizes, in pixels. */
static void
assert_font_size (Fixture                    *f,
                  const PangoFontDescription *desc,
                  int                         points)
{
  double expected = points * get_dpi (GTK_WIDGET (f->view)) / 72.0;
  double size = pango_font_description_get_size (desc) / (double) PANGO_SCALE;

  if (!pango_font_description_get_size_is_absolute (desc))
    size = size * get_dpi (GTK_WIDGET (f->view)) / 72.0;

  g_assert_cmpfloat_with_epsilon (size, expected, 0.5);
}

static void
test_apply_font (Fixture      *f,
                 gconstpointer data)
{
  PangoContext               *context;
  const PangoFontDescription *desc;

  mg_reading_style_apply (f->settings, f->view, f->clamp);
  g_settings_set_int (f->settings, "font-size", 21);
  iterate ();

  context = gtk_widget_get_pango_context (GTK_WIDGET (f->view));
  desc = pango_context_get_font_description (context);
  g_test_message ("font: %s", pango_font_description_to_string (desc));
  g_assert_nonnull (strstr (pango_font_description_get_family (desc), "Serif"));
  assert_font_size (f, desc, 21);

  g_settings_set_string (f->settings, "font-family", "sans");
  iterate ();
  desc = pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (f->view)));
  g_assert_nonnull (strstr (pango_font_description_get_family (desc), "Cantarell"));

  /* A custom family comes first; quotes cannot break out of the CSS. */
  g_settings_set_string (f->settings, "custom-font", "DejaVu Sans Mono");
  g_settings_set_string (f->settings, "font-family", "custom");
  iterate ();
  desc = pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (f->view)));
  g_assert_true (g_str_has_prefix (pango_font_description_get_family (desc), "DejaVu Sans Mono"));

  g_settings_set_string (f->settings, "custom-font", "Evil\"; } * { color: red; \"");
  iterate ();
  desc = pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (f->view)));
  assert_font_size (f, desc, 21);
  g_assert_true (g_str_has_prefix (pango_font_description_get_family (desc), "Evil"));
}

static void
test_sepia (Fixture      *f,
            gconstpointer data)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();

  mg_reading_style_apply (f->settings, f->view, f->clamp);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (f->view), "mg-sepia"));
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_DEFAULT);

  g_settings_set_string (f->settings, "color-scheme", "sepia");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->view), "mg-sepia"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->scroller), "mg-sepia"));
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_settings_set_string (f->settings, "color-scheme", "dark");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (f->view), "mg-sepia"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (f->scroller), "mg-sepia"));
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);

  g_settings_set_string (f->settings, "color-scheme", "light");
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_settings_set_string (f->settings, "color-scheme", "system");
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_zoom (Fixture      *f,
           gconstpointer data)
{
  g_assert_cmpint (g_settings_get_int (f->settings, "font-size"), ==, 13);

  mg_reading_style_zoom_in (f->settings);
  g_assert_cmpint (g_settings_get_int (f->settings, "font-size"), ==, 14);
  mg_reading_style_zoom_out (f->settings);
  mg_reading_style_zoom_out (f->settings);
  g_assert_cmpint (g_settings_get_int (f->settings, "font-size"), ==, 12);

  g_settings_set_int (f->settings, "font-size", MG_READING_FONT_SIZE_MAX - 1);
  mg_reading_style_zoom_in (f->settings);
  mg_reading_style_zoom_in (f->settings);
  g_assert_cmpint (g_settings_get_int (f->settings, "font-size"), ==, MG_READING_FONT_SIZE_MAX);

  g_settings_set_int (f->settings, "font-size", MG_READING_FONT_SIZE_MIN + 1);
  mg_reading_style_zoom_out (f->settings);
  mg_reading_style_zoom_out (f->settings);
  g_assert_cmpint (g_settings_get_int (f->settings, "font-size"), ==, MG_READING_FONT_SIZE_MIN);

  mg_reading_style_zoom_reset (f->settings);
  g_assert_cmpint (g_settings_get_int (f->settings, "font-size"), ==, 13);
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             gboolean (*match) (GtkWidget *widget))
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, match);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_width_scale (GtkWidget *widget)
{
  return gtk_adjustment_get_upper (gtk_range_get_adjustment (GTK_RANGE (widget))) == 1200;
}

/* g_settings_get_string returns a copy: compare and free it. */
static gboolean
setting_equals (GSettings  *settings,
                const char *key,
                const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  return g_strcmp0 (value, expected) == 0;
}

static void
test_window_binds (Fixture      *f,
                   gconstpointer data)
{
  GtkWidget *window = mg_preferences_window_new (f->window, f->settings);
  GtkWidget *spin, *scale, *font_button;

  gtk_window_present (GTK_WINDOW (window));
  iterate ();

  /* The style rows are radio buttons of a settings action. */
  g_assert_true (gtk_widget_activate_action (window, "prefs.color-scheme", "s", "sepia"));
  g_assert_true (setting_equals (f->settings, "color-scheme", "sepia"));
  g_assert_true (gtk_widget_activate_action (window, "prefs.font-family", "s", "sans"));
  g_assert_true (setting_equals (f->settings, "font-family", "sans"));

  spin = find_widget (window, GTK_TYPE_SPIN_BUTTON, NULL);
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 13);
  g_settings_set_int (f->settings, "font-size", 17);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 17);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 24);
  g_assert_cmpint (g_settings_get_int (f->settings, "font-size"), ==, 24);

  scale = find_widget (window, GTK_TYPE_SCALE, is_width_scale);
  g_assert_nonnull (scale);
  gtk_range_set_value (GTK_RANGE (scale), 1000);
  g_assert_cmpint (g_settings_get_int (f->settings, "text-width"), ==, 1000);

  /* Choosing a font is choosing the custom family. */
  font_button = find_widget (window, GTK_TYPE_FONT_BUTTON, NULL);
  g_assert_nonnull (font_button);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_font_chooser_set_font (GTK_FONT_CHOOSER (font_button), "DejaVu Sans Mono 12");
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_emit_by_name (font_button, "font-set");
  g_assert_true (setting_equals (f->settings, "custom-font", "DejaVu Sans Mono"));
  g_assert_true (setting_equals (f->settings, "font-family", "custom"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_top_offset (Fixture      *f,
                 gconstpointer data)
{
  GString *text = g_string_new (NULL);
  guint    top;
  gint64   deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  gtk_window_set_default_size (f->window, 400, 300);
  for (guint i = 0; i < 400; i++)
    g_string_append_printf (text, "Line %u of a long text.\n", i);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (f->view), text->str, -1);
  g_string_free (text, TRUE);
  iterate ();
  g_assert_cmpuint (mg_reading_style_get_top_offset (f->view), ==, 0);

  /* "Line %u of a long text.\n" is 23, 24 or 25 code points long, so line
   * 196 starts at 10 × 23 + 90 × 24 + 96 × 25 = 4790, and 4800 is in it. */
  /* Scrolling lands once the lines above are laid out, which a slow
   * (sanitizer) build may not have done yet: ask again while waiting. */
  do
    {
      gint64 next = g_get_monotonic_time () + G_USEC_PER_SEC / 10;

      mg_reading_style_scroll_to_offset (f->view, 4800);
      while (g_get_monotonic_time () < next)
        g_main_context_iteration (NULL, FALSE);
      top = mg_reading_style_get_top_offset (f->view);
    }
  while (top != 4790 && g_get_monotonic_time () < deadline);

  g_assert_cmpuint (top, ==, 4790);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Folders of our own keep the positions and settings of the user. */
  mg_test_isolate_user_dirs ("test-preferences");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  g_test_add_func ("/preferences/style/spacing-arithmetic", test_spacing_arithmetic);
  ADD ("/preferences/style/size-spacing-width", test_apply_layout);
  ADD ("/preferences/style/font", test_apply_font);
  ADD ("/preferences/style/sepia", test_sepia);
  ADD ("/preferences/zoom/bounds", test_zoom);
  ADD ("/preferences/window/binds-settings", test_window_binds);
  ADD ("/preferences/position/top-offset", test_top_offset);
#undef ADD

  ret = g_test_run ();
  mg_test_remove_user_dirs ();

  return ret;
}
