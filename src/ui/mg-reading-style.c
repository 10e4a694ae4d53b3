/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reading-style"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-reading-style.h"

/* Reading comfort: the settings of the preferences window applied to a
 * reader, and scrolling a reader to where a document was left (the table
 * of those places is MgReadingPositions, in core).
 *
 * Fonts and the sepia colours are CSS, in a provider of each reader's own,
 * added to the reader and to the scrolled window around it (so that the
 * margins beside a narrow column are paper-coloured too). GtkTextView has
 * no CSS line-height in GTK 4.8, so the line spacing becomes pixels above
 * and between wrapped lines, computed from the font size. */

#define SERIF_FAMILIES "\"Noto Serif\", \"Source Serif Pro\", \"DejaVu Serif\", serif"
#define SANS_FAMILIES "\"Cantarell\", \"Noto Sans\", \"DejaVu Sans\", sans-serif"

#define SEPIA_BACKGROUND "#f4ecd8"
#define SEPIA_FOREGROUND "#433422"

typedef struct
{
  GSettings      *settings;
  GtkTextView    *view; /* unowned: the binding is its data */
  GtkWidget      *clamp;
  GtkWidget      *scroller;
  GtkCssProvider *provider;
} Binding;

static void
add_provider (GtkWidget      *widget,
              GtkCssProvider *provider)
{
  /* Deprecated in GTK 4.10, where the replacement is a display-wide
   * provider; a provider of the reader's own is simpler in 4.8. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_add_provider (gtk_widget_get_style_context (widget),
                                  GTK_STYLE_PROVIDER (provider),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
remove_provider (GtkWidget      *widget,
                 GtkCssProvider *provider)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_remove_provider (gtk_widget_get_style_context (widget),
                                     GTK_STYLE_PROVIDER (provider));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* Called when the view is finalized, or before it gets another binding. */
static void
binding_free (gpointer data)
{
  Binding *binding = data;

  g_clear_weak_pointer (&binding->clamp);
  if (binding->scroller != NULL)
    {
      if (binding->provider != NULL)
        remove_provider (binding->scroller, binding->provider);
      gtk_widget_remove_css_class (binding->scroller, "mg-sepia");
      g_clear_weak_pointer (&binding->scroller);
    }
  g_clear_object (&binding->provider);
  g_clear_object (&binding->settings);
  g_free (binding);
}

/* A family name as a CSS string: quotes, backslashes and line breaks would
 * end it early, so they are dropped rather than escaped. */
static char *
css_family (const char *custom)
{
  g_autoptr (PangoFontDescription) desc = NULL;
  GString    *css;
  const char *family;

  if (custom == NULL || *custom == '\0')
    return g_strdup (SERIF_FAMILIES);

  desc = pango_font_description_from_string (custom);
  family = pango_font_description_get_family (desc);
  if (family == NULL || *family == '\0')
    return g_strdup (SERIF_FAMILIES);

  css = g_string_new ("\"");
  for (const char *p = family; *p != '\0'; p++)
    if (*p != '"' && *p != '\\' && *p != '\n' && *p != '\r' && *p != ';' && *p != '{' && *p != '}')
      g_string_append_c (css, *p);
  g_string_append (css, "\", " SERIF_FAMILIES);

  return g_string_free (css, FALSE);
}

static double
get_dpi (GtkWidget *widget)
{
  int xft_dpi = -1;

  g_object_get (gtk_widget_get_settings (widget), "gtk-xft-dpi", &xft_dpi, NULL);

  return xft_dpi > 0 ? xft_dpi / 1024.0 : 96.0;
}

/**
 * mg_reading_style_compute_spacing:
 * @font_px: the font size in pixels
 * @line_spacing: the line spacing, as a multiple of the font size
 * @inside_wrap: (out): pixels between the lines of a paragraph
 * @below_lines: (out): pixels after a paragraph
 *
 * Spacing 1.0 is the font's own line height; each step above it adds that
 * part of the font size between lines. Paragraphs get half a line more.
 */
void
mg_reading_style_compute_spacing (double font_px,
                                  double line_spacing,
                                  int   *inside_wrap,
                                  int   *below_lines)
{
  int extra = (int) (font_px * MAX (line_spacing - 1.0, 0.0) + 0.5);

  *inside_wrap = extra;
  *below_lines = extra + (int) (font_px * 0.5 + 0.5);
}

static void
apply (Binding *binding)
{
  g_autofree char *choice = NULL;
  g_autofree char *family = NULL;
  g_autofree char *custom = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *css = NULL;
  g_autoptr (GtkCssProvider) provider = NULL;
  GtkWidget     *view = GTK_WIDGET (binding->view);
  GtkWidget     *scroller;
  AdwColorScheme adw_scheme;
  gboolean       sepia;
  int            font_size;
  double         spacing;
  int            inside_wrap, below_lines;

  choice = g_settings_get_string (binding->settings, "font-family");
  custom = g_settings_get_string (binding->settings, "custom-font");
  scheme = g_settings_get_string (binding->settings, "color-scheme");
  font_size = CLAMP (g_settings_get_int (binding->settings, "font-size"),
                     MG_READING_FONT_SIZE_MIN, MG_READING_FONT_SIZE_MAX);
  spacing = g_settings_get_double (binding->settings, "line-spacing");
  sepia = g_str_equal (scheme, "sepia");

  if (g_str_equal (choice, "sans"))
    family = g_strdup (SANS_FAMILIES);
  else if (g_str_equal (choice, "custom"))
    family = css_family (custom);
  else
    family = g_strdup (SERIF_FAMILIES);

  /* The selection is the text in reverse, also when the window is not
   * focused: a translucent accent colour would look like a blue highlight
   * or a find match, which are tints under dark text, and a current find
   * match is a strong blue. */
  css = g_strdup_printf ("textview.mg-reading { font-family: %s; font-size: %dpt; }\n"
                         "textview.mg-reading > text > selection,"
                         " textview.mg-reading > text > selection:backdrop {"
                         " background-color: alpha(@view_fg_color, 0.85); color: @view_bg_color; }\n"
                         "textview.mg-reading.mg-sepia > text {"
                         " background-color: " SEPIA_BACKGROUND "; color: " SEPIA_FOREGROUND "; }\n"
                         "textview.mg-reading.mg-sepia > text > selection,"
                         " textview.mg-reading.mg-sepia > text > selection:backdrop {"
                         " background-color: alpha(" SEPIA_FOREGROUND ", 0.9); color: " SEPIA_BACKGROUND "; }\n"
                         "scrolledwindow.mg-sepia { background-color: " SEPIA_BACKGROUND "; }\n",
                         family, font_size);
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css, -1);

  gtk_widget_add_css_class (view, "mg-reading");
  if (sepia)
    gtk_widget_add_css_class (view, "mg-sepia");
  else
    gtk_widget_remove_css_class (view, "mg-sepia");

  /* A provider loaded again in place does not restyle the widgets that use
   * it in GTK 4.8, so each change brings a new one. It goes on the
   * scrolled window around the reader too, which shows beside a narrow
   * column. */
  scroller = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  if (binding->provider != NULL)
    {
      remove_provider (view, binding->provider);
      if (binding->scroller != NULL)
        remove_provider (binding->scroller, binding->provider);
    }
  if (binding->scroller != NULL && binding->scroller != scroller)
    gtk_widget_remove_css_class (binding->scroller, "mg-sepia");
  g_set_weak_pointer (&binding->scroller, scroller);
  g_set_object (&binding->provider, provider);
  add_provider (view, provider);
  if (scroller != NULL)
    add_provider (scroller, provider);

  if (binding->scroller != NULL)
    {
      if (sepia)
        gtk_widget_add_css_class (binding->scroller, "mg-sepia");
      else
        gtk_widget_remove_css_class (binding->scroller, "mg-sepia");
    }

  mg_reading_style_compute_spacing (font_size * get_dpi (view) / 72.0, spacing,
                                    &inside_wrap, &below_lines);
  gtk_text_view_set_pixels_inside_wrap (binding->view, inside_wrap);
  gtk_text_view_set_pixels_below_lines (binding->view, below_lines);

  if (binding->clamp != NULL)
    adw_clamp_scrollable_set_maximum_size (ADW_CLAMP_SCROLLABLE (binding->clamp),
                                           CLAMP (g_settings_get_int (binding->settings, "text-width"), 480, 1200));

  /* Sepia is a light style: the paper would glare among dark widgets. */
  if (sepia || g_str_equal (scheme, "light"))
    adw_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    adw_scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  else
    adw_scheme = ADW_COLOR_SCHEME_DEFAULT;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), adw_scheme);
}

static void
settings_changed_cb (GSettings   *settings,
                     const char  *key,
                     GtkTextView *view)
{
  Binding *binding = g_object_get_data (G_OBJECT (view), "mg-reading-style");

  if (binding != NULL)
    apply (binding);
}

/**
 * mg_reading_style_apply:
 * @settings: the application settings
 * @view: the reader
 * @clamp: (nullable): the clamp that limits the reader's width
 *
 * Applies the reading settings to @view and @clamp, and again whenever they
 * change, for as long as @view lives. Call it once the view is inside its
 * scrolled window. The colour scheme is the whole application's.
 */
void
mg_reading_style_apply (GSettings          *settings,
                        GtkTextView        *view,
                        AdwClampScrollable *clamp)
{
  Binding *binding;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (GTK_IS_TEXT_VIEW (view));
  g_return_if_fail (clamp == NULL || ADW_IS_CLAMP_SCROLLABLE (clamp));

  binding = g_object_get_data (G_OBJECT (view), "mg-reading-style");
  if (binding != NULL && binding->settings != settings)
    {
      g_signal_handlers_disconnect_by_func (binding->settings, settings_changed_cb, view);
      remove_provider (GTK_WIDGET (view), binding->provider);
      g_object_set_data (G_OBJECT (view), "mg-reading-style", NULL);
      binding = NULL;
    }

  if (binding == NULL)
    {
      binding = g_new0 (Binding, 1);
      binding->settings = g_object_ref (settings);
      binding->view = view;
      g_object_set_data_full (G_OBJECT (view), "mg-reading-style", binding, binding_free);
      g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), view, 0);
    }

  g_set_weak_pointer (&binding->clamp, clamp != NULL ? GTK_WIDGET (clamp) : NULL);
  apply (binding);
}

static void
zoom (GSettings *settings,
      int        delta)
{
  int size;

  g_return_if_fail (G_IS_SETTINGS (settings));

  size = g_settings_get_int (settings, "font-size");
  size = CLAMP (size + delta, MG_READING_FONT_SIZE_MIN, MG_READING_FONT_SIZE_MAX);
  if (size != g_settings_get_int (settings, "font-size"))
    g_settings_set_int (settings, "font-size", size);
}

void
mg_reading_style_zoom_in (GSettings *settings)
{
  zoom (settings, 1);
}

void
mg_reading_style_zoom_out (GSettings *settings)
{
  zoom (settings, -1);
}

void
mg_reading_style_zoom_reset (GSettings *settings)
{
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_reset (settings, "font-size");
}

/**
 * mg_reading_style_get_top_offset:
 * @view: a text view
 *
 * Returns: the offset, in code points, of the start of the first display
 *   line at the top of @view
 */
guint
mg_reading_style_get_top_offset (GtkTextView *view)
{
  GdkRectangle visible;
  GtkTextIter  iter;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), 0);

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_iter_at_location (view, &iter, visible.x, visible.y);
  if (!gtk_text_view_starts_display_line (view, &iter))
    gtk_text_view_backward_display_line_start (view, &iter);

  return gtk_text_iter_get_offset (&iter);
}

/* Scrolling to a reading position.
 *
 * GtkTextView measures the lines of a text lazily, from the top down, in
 * the background: until it has, lines have no height, and a long book
 * takes seconds. A scroll to a mark is kept until the next layout, which
 * measures the screens around the mark, and then the view scrolls there,
 * animated, from where it is: from the first page. And while the lines
 * above are measured after that, the view does not always keep its top
 * line in place (it moves it before the adjustment has grown, and the
 * value is clamped), so the reader slides away from their passage.
 *
 * So the position is set on the adjustment directly, without animation, as
 * soon as the line of the position has been measured, and again each time
 * the view measures more lines (the adjustment changes), until someone
 * scrolls: the reader, a search, a link into the text. */

typedef struct
{
  GtkTextView   *view; /* unowned: the state is its data */
  GtkAdjustment *adjustment;
  GtkTextBuffer *buffer;
  GtkTextMark   *mark;
  gulong         changed_id;
  gulong         value_changed_id;
  gulong         view_changed_ids[2];
  gulong         buffer_changed_id;
  guint          offset;     /* where the mark was made */
  int            location_y; /* where the position was when last placed */
  double         value;      /* the value it was placed with */
  gboolean       placing;
} Restore;

#define RESTORE_KEY "mg-reading-style-restore"

static void
restore_free (gpointer data)
{
  Restore *restore = data;

  g_clear_signal_handler (&restore->changed_id, restore->adjustment);
  g_clear_signal_handler (&restore->value_changed_id, restore->adjustment);
  g_clear_signal_handler (&restore->buffer_changed_id, restore->buffer);
  /* A view that is finalized has no handlers left. */
  for (guint i = 0; i < G_N_ELEMENTS (restore->view_changed_ids); i++)
    if (g_signal_handler_is_connected (restore->view, restore->view_changed_ids[i]))
      g_signal_handler_disconnect (restore->view, restore->view_changed_ids[i]);
  if (!gtk_text_mark_get_deleted (restore->mark))
    gtk_text_buffer_delete_mark (restore->buffer, restore->mark);
  g_clear_object (&restore->mark);
  g_clear_object (&restore->buffer);
  g_clear_object (&restore->adjustment);
  g_free (restore);
}

static void
restore_stop (GtkTextView *view)
{
  g_object_set_data (G_OBJECT (view), RESTORE_KEY, NULL);
}

static void
restore_place (Restore *restore)
{
  GtkTextIter  iter;
  GdkRectangle location;
  int          line_y, line_height;
  double       value;

  gtk_text_buffer_get_iter_at_mark (restore->buffer, &iter, restore->mark);
  gtk_text_view_get_line_yrange (restore->view, &iter, &line_y, &line_height);
  if (line_height <= 0)
    {
      /* Not measured yet: a pending scroll has the view measure the
       * screens around the mark at its next layout. It is never done at
       * once (that would animate): the layout is not valid while a line is
       * not measured. A view without a size would measure them for a width
       * of one pixel: its first size changes the adjustment, and brings
       * the scroll then. */
      if (gtk_widget_get_width (GTK_WIDGET (restore->view)) > 0 && gtk_widget_get_height (GTK_WIDGET (restore->view)) > 0)
        gtk_text_view_scroll_to_mark (restore->view, restore->mark, 0.0, TRUE, 0.0, 0.0);
      return;
    }

  /* The start of the display line at the top, below the top margin. */
  gtk_text_view_get_iter_location (restore->view, &iter, &location);
  value = location.y + gtk_text_view_get_top_margin (restore->view);

  restore->location_y = location.y;
  if (gtk_adjustment_get_value (restore->adjustment) != value)
    {
      gboolean placing = restore->placing;

      /* Not animated, and the end of any animation towards it. The view
       * may measure lines and change the adjustment meanwhile. */
      restore->placing = TRUE;
      gtk_adjustment_set_value (restore->adjustment, value);
      restore->placing = placing;
    }
  restore->value = gtk_adjustment_get_value (restore->adjustment);
}

static void
restore_adjustment_changed_cb (GtkAdjustment *adjustment,
                               Restore       *restore)
{
  restore_place (restore);
}

static void
restore_value_changed_cb (GtkAdjustment *adjustment,
                          Restore       *restore)
{
  GtkTextIter  iter;
  GdkRectangle location;

  if (restore->placing || gtk_adjustment_get_value (adjustment) == restore->value)
    return;

  /* Lines above the position were measured, and the view moved with them:
   * the change of the adjustment that follows places it again. */
  gtk_text_buffer_get_iter_at_mark (restore->buffer, &iter, restore->mark);
  gtk_text_view_get_iter_location (restore->view, &iter, &location);
  if (location.y != restore->location_y)
    return;

  /* Otherwise someone scrolled. */
  restore_stop (restore->view);
}

static void
restore_invalidated_cb (GtkTextView *view)
{
  restore_stop (view);
}

/* Text appended after the position (a long document still going into the
 * view) leaves it where it is; any other change of the text ends it. */
static void
restore_buffer_changed_cb (GtkTextBuffer *buffer,
                           Restore       *restore)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, restore->mark);
  if ((guint) gtk_text_iter_get_offset (&iter) != restore->offset)
    restore_stop (restore->view);
}

/**
 * mg_reading_style_scroll_to_offset:
 * @view: a text view
 * @offset: an offset in code points
 *
 * Shows the display line of @offset at the top of @view, at once rather
 * than scrolled to, as soon as @view has measured it, and keeps it there
 * while @view measures the lines above it, until @view is scrolled by
 * anything else or its text changes (text appended after @offset, as a
 * long document goes into the view, is no change). Call it just after
 * setting the text: the first frame of a long text is then already at
 * @offset.
 */
void
mg_reading_style_scroll_to_offset (GtkTextView *view,
                                   guint        offset)
{
  GtkTextBuffer *buffer;
  GtkAdjustment *adjustment;
  GtkTextIter    iter;
  Restore       *restore;

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));

  restore_stop (view);

  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  if (adjustment == NULL)
    return;

  buffer = gtk_text_view_get_buffer (view);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) MIN (offset, (guint) G_MAXINT));

  restore = g_new0 (Restore, 1);
  restore->view = view;
  restore->adjustment = g_object_ref (adjustment);
  restore->buffer = g_object_ref (buffer);
  restore->mark = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &iter, TRUE));
  restore->location_y = -1;
  restore->value = -1;
  restore->changed_id = g_signal_connect (restore->adjustment, "changed",
                                          G_CALLBACK (restore_adjustment_changed_cb), restore);
  restore->value_changed_id = g_signal_connect (restore->adjustment, "value-changed",
                                                G_CALLBACK (restore_value_changed_cb), restore);
  restore->offset = gtk_text_iter_get_offset (&iter);
  restore->buffer_changed_id = g_signal_connect (buffer, "changed",
                                                 G_CALLBACK (restore_buffer_changed_cb), restore);
  restore->view_changed_ids[0] = g_signal_connect (view, "notify::vadjustment",
                                                   G_CALLBACK (restore_invalidated_cb), NULL);
  restore->view_changed_ids[1] = g_signal_connect (view, "notify::buffer",
                                                   G_CALLBACK (restore_invalidated_cb), NULL);
  g_object_set_data_full (G_OBJECT (view), RESTORE_KEY, restore, restore_free);

  restore_place (restore);
}
