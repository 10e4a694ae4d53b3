/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-annotation-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-note-markup.h"
#include "mg-accessible.h"
#include "mg-annotation-row.h"
#include "mg-ui-resources.h"
#include "mg-wrap-bin.h"

/* A row of the annotations sidebar. Rows are recycled by a GtkListView:
 * the widgets are built once, and binding an annotation only sets label
 * texts, a CSS class and two signal handlers, dropped again on unbind.
 *
 * GTK 4.8's list view makes up to 200 rows at once, so a row is made
 * cheap: the buttons of an orphan are only built for a row that shows
 * one, and no tooltip is set while binding (setting one asks the display
 * where the pointer is, a round trip to the X server): the date's is
 * written when it is asked for. The quote and the note are in MgWrapBins,
 * so that measuring a row lays their text out once rather than three
 * times. */

/* Enough characters to fill the lines a label shows at the sidebar's
 * widest, so a quote of a whole chapter costs no more than a sentence. */
#define QUOTE_MAX_CHARS 320
#define NOTE_MAX_CHARS 220
#define TAGS_MAX_CHARS 200

struct _MgAnnotationRow
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkWidget *content_box;
  GtkWidget *color_mark;
  GtkLabel  *quote_label;
  GtkWidget *moved_icon;
  GtkWidget *note_bin;
  GtkLabel  *note_label;
  GtkLabel  *tags_label;
  GtkLabel  *date_label;
  GtkWidget *orphan_box;
  GtkWidget *attach_button;
  GtkWidget *delete_button;

  MgAnnotation *annotation;
  gulong        changed_handler;
  gulong        state_handler;
};

G_DEFINE_FINAL_TYPE (MgAnnotationRow, mg_annotation_row, GTK_TYPE_WIDGET)

static const char *color_classes[MG_N_COLORS] = {
  "mg-color-yellow",
  "mg-color-green",
  "mg-color-blue",
  "mg-color-pink",
  "mg-color-purple",
  "mg-color-orange",
};

/* Copies at most @max_chars characters of @text into @out, on one line:
 * each run of white space (newlines included) becomes one space, and
 * leading and trailing white space goes. A cut is marked with "…". */
static void
append_flat_text (GString    *out,
                  const char *text,
                  guint       max_chars)
{
  gboolean    pending_space = FALSE;
  guint       n_chars = 0;
  const char *p;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x2028 || c == 0x2029)
        {
          pending_space = out->len > 0;
          continue;
        }

      if (n_chars >= max_chars)
        {
          g_string_append (out, "…");
          return;
        }

      if (pending_space)
        {
          g_string_append_c (out, ' ');
          n_chars++;
          pending_space = FALSE;
        }

      g_string_append_unichar (out, c);
      n_chars++;
    }
}

static char *
flat_text (const char *text,
           guint       max_chars)
{
  GString *out = g_string_new (NULL);

  append_flat_text (out, text, max_chars);

  return g_string_free (out, FALSE);
}

/* The local time zone. GLib reads it again from /etc/localtime for each
 * g_date_time_to_local() when TZ is not set, that is twice for each row
 * bound: once a minute is enough to follow a change. */
static GTimeZone *
get_local_zone (void)
{
  static GTimeZone *zone;
  static gint64     since;
  gint64            now = g_get_monotonic_time ();

  if (zone == NULL || now - since > 60 * G_USEC_PER_SEC)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      since = now;
    }

  return zone;
}

/**
 * mg_format_relative_date:
 * @datetime: a moment in the past
 * @now: the present
 *
 * Says when @datetime was, the way GNOME apps do: "Just now", "5 minutes
 * ago", "3 hours ago", "Yesterday", a weekday in the last week, else the
 * date. Days are counted in local time.
 *
 * Returns: (transfer full): the text
 */
char *
mg_format_relative_date (GDateTime *datetime,
                         GDateTime *now)
{
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) local_now = NULL;
  GTimeSpan span;
  GDate     day;
  GDate     today;
  int       year, month, mday;
  int       days;

  g_return_val_if_fail (datetime != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  local = g_date_time_to_timezone (datetime, get_local_zone ());
  local_now = g_date_time_to_timezone (now, get_local_zone ());
  span = g_date_time_difference (local_now, local);

  /* A date in the future comes from another machine's clock: it is
   * as recent as can be. */
  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_ ("Just now"));

  if (span < G_TIME_SPAN_HOUR)
    {
      int minutes = span / G_TIME_SPAN_MINUTE;

      return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", minutes), minutes);
    }

  g_date_time_get_ymd (local, &year, &month, &mday);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, mday, month, year);
  g_date_time_get_ymd (local_now, &year, &month, &mday);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, mday, month, year);
  days = g_date_days_between (&day, &today);

  if (days <= 0)
    {
      int hours = span / G_TIME_SPAN_HOUR;

      return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", hours), hours);
    }

  if (days == 1)
    return g_strdup (_ ("Yesterday"));

  if (days < 7)
    return g_date_time_format (local, "%A");

  if (g_date_time_get_year (local) == g_date_time_get_year (local_now))
    /* Translators: a date in this year, see
     * https://docs.gtk.org/glib/method.DateTime.format.html
     * xgettext:no-c-format */
    return g_date_time_format (local, _ ("%B %-e"));

  /* Translators: a date in another year, see
   * https://docs.gtk.org/glib/method.DateTime.format.html
   * xgettext:no-c-format */
  return g_date_time_format (local, _ ("%B %-e, %Y"));
}

static const char *
color_label (MgColor color)
{
  switch (color)
    {
    case MG_COLOR_YELLOW:
      return _ ("Yellow highlight");
    case MG_COLOR_GREEN:
      return _ ("Green highlight");
    case MG_COLOR_BLUE:
      return _ ("Blue highlight");
    case MG_COLOR_PINK:
      return _ ("Pink highlight");
    case MG_COLOR_PURPLE:
      return _ ("Purple highlight");
    case MG_COLOR_ORANGE:
      return _ ("Orange highlight");
    case MG_N_COLORS:
    default:
      return _ ("Highlight");
    }
}

static void
update_color (MgAnnotationRow *self)
{
  MgColor     color = mg_annotation_get_color (self->annotation);
  const char *classes[3] = { "mg-color-mark", NULL, NULL };

  if ((guint) color < MG_N_COLORS)
    classes[1] = color_classes[color];

  gtk_widget_set_css_classes (self->color_mark, classes);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->color_mark),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, color_label (color),
                                  -1);
}

static void
update_texts (MgAnnotationRow *self)
{
  g_autofree char   *quote = NULL;
  g_autofree char   *note = NULL;
  const char *const *tags;
  GString           *tags_text;
  guint              i;

  quote = flat_text (mg_annotation_get_exact (self->annotation), QUOTE_MAX_CHARS);
  gtk_label_set_text (self->quote_label, quote);

  /* The note's Markdown shown (bold, links), on one line. */
  note = mg_note_markup (mg_annotation_get_note (self->annotation), NOTE_MAX_CHARS,
                         MG_NOTE_MARKUP_ONE_LINE | MG_NOTE_MARKUP_LINKS);
  gtk_label_set_markup (self->note_label, note);
  gtk_widget_set_visible (self->note_bin, note[0] != '\0');

  tags = mg_annotation_get_tags (self->annotation);
  tags_text = g_string_new (NULL);
  for (i = 0; tags[i] != NULL && tags_text->len < TAGS_MAX_CHARS; i++)
    {
      if (i > 0)
        g_string_append (tags_text, "  ");
      g_string_append_c (tags_text, '#');
      append_flat_text (tags_text, tags[i], TAGS_MAX_CHARS);
    }
  gtk_label_set_text (self->tags_label, tags_text->str);
  g_string_free (tags_text, TRUE);
}

/* What an orphan's row offers: attaching it to the selection, deleting it. */
static void
ensure_orphan_box (MgAnnotationRow *self)
{
  GtkWidget *box;
  GtkWidget *attach;
  GtkWidget *delete;

  if (self->orphan_box != NULL)
    return;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (box, 4);

  attach = gtk_button_new_with_mnemonic (_ ("_Attach to Selection"));
  gtk_widget_set_tooltip_text (attach, _ ("Attach this highlight to the passage selected in the text"));
  gtk_box_append (GTK_BOX (box), attach);
  mg_accessible_repair (attach);

  delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_hexpand (delete, TRUE);
  gtk_widget_set_halign (delete, GTK_ALIGN_END);
  gtk_widget_set_tooltip_text (delete, _ ("Delete Highlight"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Delete Highlight"),
                                  -1);
  gtk_widget_add_css_class (delete, "flat");
  gtk_widget_add_css_class (delete, "mg-delete-button");
  gtk_box_append (GTK_BOX (box), delete);

  gtk_box_append (GTK_BOX (self->content_box), box);
  self->orphan_box = box;
  self->attach_button = attach;
  self->delete_button = delete;
}

/* The words a passage read when it was highlighted, when they changed
 * since: the mark's tooltip and accessible name. */
static char *
dup_changed_text (MgAnnotationRow *self)
{
  const char      *previous = mg_annotation_get_previous_exact (self->annotation);
  g_autofree char *quote = NULL;

  if (previous == NULL)
    return NULL;

  quote = flat_text (previous, QUOTE_MAX_CHARS);
  /* Translators: the quote is the passage as it read when it was highlighted */
  return g_strdup_printf (_ ("The words of this passage changed since it was highlighted. It read: “%s”"), quote);
}

/* Written when it is asked for, as the date's (see test_row_cheap). */
static gboolean
moved_query_tooltip_cb (MgAnnotationRow *self,
                        int              x,
                        int              y,
                        gboolean         keyboard,
                        GtkTooltip      *tooltip,
                        GtkWidget       *widget)
{
  g_autofree char *text = self->annotation != NULL ? dup_changed_text (self) : NULL;

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
update_state (MgAnnotationRow *self)
{
  MgAnnotationState state = mg_annotation_get_state (self->annotation);
  gboolean          orphan = state == MG_ANNOTATION_STATE_ORPHANED;
  g_autofree char  *changed = orphan ? NULL : dup_changed_text (self);

  /* Marked only when the words changed, not when the passage only moved. */
  gtk_widget_set_visible (self->moved_icon, changed != NULL);
  if (changed != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->moved_icon),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, changed,
                                    -1);
  if (orphan)
    ensure_orphan_box (self);
  if (self->orphan_box != NULL)
    gtk_widget_set_visible (self->orphan_box, orphan);

  /* The buttons act on the sidebar's actions, with the id as target; set
   * before the action name, so they never name an action without one. */
  if (orphan)
    {
      GVariant *target = g_variant_ref_sink (g_variant_new_string (mg_annotation_get_id (self->annotation)));

      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->attach_button), target);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->delete_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->attach_button), "sidebar.reattach");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->delete_button), "sidebar.delete");
      g_variant_unref (target);
    }
}

/**
 * mg_annotation_row_update_date:
 * @self: a #MgAnnotationRow
 * @now: (nullable): the present, or %NULL for the current time
 *
 * Refreshes the relative date ("5 minutes ago"), which goes stale as
 * time passes: the sidebar calls this every minute on the bound rows.
 */
void
mg_annotation_row_update_date (MgAnnotationRow *self,
                               GDateTime       *now)
{
  g_autoptr (GDateTime) current = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (MG_IS_ANNOTATION_ROW (self));

  if (self->annotation == NULL)
    return;

  if (now == NULL)
    now = current = g_date_time_new_now_utc ();

  text = mg_format_relative_date (mg_annotation_get_created (self->annotation), now);
  gtk_label_set_text (self->date_label, text);
}

/**
 * mg_annotation_row_dup_date_tooltip:
 * @self: a #MgAnnotationRow
 *
 * Returns: (transfer full) (nullable): the tooltip of the date: when the
 *   highlight was made, in full
 */
char *
mg_annotation_row_dup_date_tooltip (MgAnnotationRow *self)
{
  g_autoptr (GDateTime) local = NULL;

  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  if (self->annotation == NULL)
    return NULL;

  local = g_date_time_to_timezone (mg_annotation_get_created (self->annotation), get_local_zone ());

  /* Translators: when a highlight was made, in its tooltip, see
   * https://docs.gtk.org/glib/method.DateTime.format.html
   * xgettext:no-c-format */
  return g_date_time_format (local, _ ("Highlighted on %B %-e, %Y at %H:%M"));
}

static gboolean
date_query_tooltip_cb (MgAnnotationRow *self,
                       int              x,
                       int              y,
                       gboolean         keyboard,
                       GtkTooltip      *tooltip)
{
  g_autofree char *text = mg_annotation_row_dup_date_tooltip (self);

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
update_all (MgAnnotationRow *self)
{
  update_color (self);
  update_texts (self);
  update_state (self);
  mg_annotation_row_update_date (self, NULL);
}

static void
on_annotation_changed (MgAnnotationRow *self)
{
  update_color (self);
  update_texts (self);
}

/* Re-anchoring changes the state, and the quote of a passage whose words
 * changed, without a user edit. */
static void
on_notify (MgAnnotationRow *self,
           GParamSpec      *pspec)
{
  if (g_str_equal (pspec->name, "exact"))
    update_texts (self);
  if (g_str_equal (pspec->name, "exact") || g_str_equal (pspec->name, "state"))
    update_state (self);
}

/**
 * mg_annotation_row_set_annotation:
 * @self: a #MgAnnotationRow
 * @annotation: (nullable): the annotation to show, or %NULL on unbind
 *
 * Shows @annotation, and follows its edits until another one is set.
 */
void
mg_annotation_row_set_annotation (MgAnnotationRow *self,
                                  MgAnnotation    *annotation)
{
  g_return_if_fail (MG_IS_ANNOTATION_ROW (self));
  g_return_if_fail (annotation == NULL || MG_IS_ANNOTATION (annotation));

  if (self->annotation == annotation)
    return;

  if (self->annotation != NULL)
    {
      g_clear_signal_handler (&self->changed_handler, self->annotation);
      g_clear_signal_handler (&self->state_handler, self->annotation);
    }

  g_set_object (&self->annotation, annotation);

  if (annotation == NULL)
    return;

  self->changed_handler = g_signal_connect_swapped (annotation, "changed", G_CALLBACK (on_annotation_changed), self);
  self->state_handler = g_signal_connect_swapped (annotation, "notify", G_CALLBACK (on_notify), self);

  update_all (self);
}

MgAnnotation *
mg_annotation_row_get_annotation (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  return self->annotation;
}

const char *
mg_annotation_row_get_quote_text (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  return gtk_label_get_text (self->quote_label);
}

/* Returns: the note's markup, or %NULL when the note is hidden */
const char *
mg_annotation_row_get_note_markup (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  if (!gtk_widget_get_visible (self->note_bin))
    return NULL;

  return gtk_label_get_label (self->note_label);
}

/* Returns: the note as shown, or %NULL when the note is hidden */
const char *
mg_annotation_row_get_note_text (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  if (!gtk_widget_get_visible (self->note_bin))
    return NULL;

  return gtk_label_get_text (self->note_label);
}

const char *
mg_annotation_row_get_tags_text (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  return gtk_label_get_text (self->tags_label);
}

const char *
mg_annotation_row_get_date_text (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  return gtk_label_get_text (self->date_label);
}

gboolean
mg_annotation_row_get_shows_moved (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), FALSE);

  return gtk_widget_get_visible (self->moved_icon);
}

/**
 * mg_annotation_row_dup_changed_tooltip:
 * @self: a #MgAnnotationRow
 *
 * Returns: (transfer full) (nullable): the tooltip of the mark of a passage
 *   whose words changed (with the words it was highlighted on), or %NULL
 */
char *
mg_annotation_row_dup_changed_tooltip (MgAnnotationRow *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_ROW (self), NULL);

  return self->annotation != NULL ? dup_changed_text (self) : NULL;
}

static void
mg_annotation_row_dispose (GObject *object)
{
  MgAnnotationRow *self = MG_ANNOTATION_ROW (object);

  mg_annotation_row_set_annotation (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_ANNOTATION_ROW);

  G_OBJECT_CLASS (mg_annotation_row_parent_class)->dispose (object);
}

static void
mg_annotation_row_class_init (MgAnnotationRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_annotation_row_dispose;

  g_assert (mg_ui_get_resource () != NULL);
  g_type_ensure (MG_TYPE_WRAP_BIN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mgannotationrow");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-annotation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, box);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, content_box);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, color_mark);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, quote_label);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, moved_icon);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, note_bin);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, note_label);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, tags_label);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationRow, date_label);
}

static void
mg_annotation_row_init (MgAnnotationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->date_label, "query-tooltip",
                           G_CALLBACK (date_query_tooltip_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->moved_icon, "query-tooltip",
                           G_CALLBACK (moved_query_tooltip_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
mg_annotation_row_new (void)
{
  return g_object_new (MG_TYPE_ANNOTATION_ROW, NULL);
}
