/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-annotation-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-accessible.h"
#include "mg-annotation-editor.h"
#include "mg-color-selector.h"
#include "mg-tag-list.h"
#include "mg-text-fold.h"
#include "mg-tooltip.h"
#include "mg-ui-resources.h"

/**
 * MgAnnotationEditor:
 *
 * The popover that edits one annotation: its colour (applied at once),
 * note and tags (applied when the popover closes, so that typing a note
 * makes one change, not one per key), and a delete button. Its widgets are
 * in mg-annotation-editor.ui.
 *
 * The colour is the `editor.color` property action (the editor's
 * #MgAnnotationEditor:color), which the #MgColorSelector shows.
 *
 * While the user types a tag, the tags already used in the document that
 * start with what was typed are offered below the entry: a list bound to a
 * #GtkFilterListModel of the window's #MgTagList. The entry keeps the
 * focus; Down and Up choose a suggestion, Enter takes it (the tag replaces
 * what was typed of it, followed by ", "), Escape hides them. The list is
 * inside the editor, not a popover of its own: a popover in a popover
 * makes the reader below lay itself out again while it is being drawn.
 */
struct _MgAnnotationEditor
{
  GtkPopover parent_instance;

  GtkTextView *note_view;
  GtkEntry    *tags_entry;
  GtkWidget   *copy_button;
  GtkLabel    *previous_label;

  /* Tag suggestions */
  GtkWidget          *suggestions;
  GtkListBox         *suggestion_list;
  GtkFilterListModel *suggestion_model;
  char               *typed_tag; /* folded; NULL when none */

  MgAnnotation *annotation;
  gboolean      updating;
};

G_DEFINE_FINAL_TYPE (MgAnnotationEditor, mg_annotation_editor, GTK_TYPE_POPOVER)

enum
{
  PROP_0,
  PROP_COLOR,
  N_PROPS
};

enum
{
  DELETE_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/**
 * mg_parse_tags:
 * @text: tags as typed: separated by commas, each may start with "#"
 *
 * Returns: (transfer full): the tags, trimmed, without empties
 */
char **
mg_parse_tags (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *tag = g_strstrip (parts[i]);

      while (*tag == '#')
        tag++;
      tag = g_strstrip (tag);
      if (*tag != '\0')
        g_strv_builder_add (builder, tag);
    }

  return g_strv_builder_end (builder);
}

static char *
note_text (MgAnnotationEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/**
 * mg_annotation_editor_commit:
 * @self: a #MgAnnotationEditor
 *
 * Applies the note and tags as typed to the annotation; nothing changes
 * when they are as they were.
 */
void
mg_annotation_editor_commit (MgAnnotationEditor *self)
{
  g_autofree char *note = NULL;
  g_auto (GStrv) tags = NULL;

  g_return_if_fail (MG_IS_ANNOTATION_EDITOR (self));

  if (self->annotation == NULL)
    return;

  note = note_text (self);
  g_strchomp (note);
  mg_annotation_set_note (self->annotation, note);

  tags = mg_parse_tags (gtk_editable_get_text (GTK_EDITABLE (self->tags_entry)));
  mg_annotation_set_tags (self->annotation, (const char *const *) tags);
}

static void
closed_cb (MgAnnotationEditor *self)
{
  mg_annotation_editor_commit (self);
}

static void
delete_clicked_cb (MgAnnotationEditor *self)
{
  g_autoptr (MgAnnotation) annotation = NULL;

  if (self->annotation == NULL)
    return;

  /* Deleting is not editing: what was typed is dropped with the
   * annotation, and undo brings back the annotation as it was. */
  annotation = g_steal_pointer (&self->annotation);
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[DELETE_REQUESTED], 0, annotation);
}

static void
done_clicked_cb (MgAnnotationEditor *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

/* Tag suggestions -------------------------------------------------------- */

/* The tag being typed: the text after the last comma, without the spaces
 * and "#" before it. */
static const char *
typed_tag (const char *text)
{
  const char *last = strrchr (text, ',');

  last = last != NULL ? last + 1 : text;
  while (*last == ' ' || *last == '#')
    last++;

  return last;
}

static gboolean
suggestion_filter_func (gpointer item,
                        gpointer user_data)
{
  MgAnnotationEditor *self = user_data;
  g_autofree char    *folded = NULL;

  if (self->typed_tag == NULL)
    return FALSE;

  folded = mg_text_fold (mg_tag_get_name (item), MG_TEXT_FOLD_CASE);

  /* A tag typed in full needs no suggestion. */
  return g_str_has_prefix (folded, self->typed_tag) && !g_str_equal (folded, self->typed_tag);
}

static gboolean
suggesting (MgAnnotationEditor *self)
{
  return gtk_widget_get_visible (self->suggestions);
}

static void
hide_suggestions (MgAnnotationEditor *self)
{
  gtk_widget_set_visible (self->suggestions, FALSE);
}

static void
update_suggestions (MgAnnotationEditor *self)
{
  const char *typed = typed_tag (gtk_editable_get_text (GTK_EDITABLE (self->tags_entry)));
  GtkFilter  *filter = gtk_filter_list_model_get_filter (self->suggestion_model);

  g_clear_pointer (&self->typed_tag, g_free);
  if (*typed != '\0')
    self->typed_tag = mg_text_fold (typed, MG_TEXT_FOLD_CASE);
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);

  gtk_list_box_unselect_all (self->suggestion_list);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->suggestion_model)) == 0)
    {
      hide_suggestions (self);
      return;
    }

  gtk_widget_set_visible (self->suggestions, TRUE);
}

static void
tags_changed_cb (MgAnnotationEditor *self)
{
  /* Only what the user types asks for suggestions. */
  if (self->updating || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  update_suggestions (self);
}

/* Replaces the tag being typed with @tag. */
static void
take_suggestion (MgAnnotationEditor *self,
                 guint               position)
{
  g_autoptr (MgTag) tag = g_list_model_get_item (G_LIST_MODEL (self->suggestion_model), position);
  const char      *text = gtk_editable_get_text (GTK_EDITABLE (self->tags_entry));
  const char      *last = strrchr (text, ',');
  g_autofree char *head = NULL;
  g_autofree char *result = NULL;

  if (tag == NULL)
    return;

  head = last != NULL ? g_strndup (text, last - text + 1) : g_strdup ("");
  result = g_strconcat (head, *head != '\0' ? " " : "", mg_tag_get_name (tag), ", ", NULL);

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), result);
  self->updating = FALSE;
  gtk_editable_set_position (GTK_EDITABLE (self->tags_entry), -1);
  hide_suggestions (self);
}

static void
suggestion_activated_cb (MgAnnotationEditor *self,
                         GtkListBoxRow      *row)
{
  take_suggestion (self, gtk_list_box_row_get_index (row));
  gtk_widget_grab_focus (GTK_WIDGET (self->tags_entry));
}

static guint
selected_suggestion (MgAnnotationEditor *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->suggestion_list);

  return row != NULL ? (guint) gtk_list_box_row_get_index (row) : GTK_INVALID_LIST_POSITION;
}

static void
move_selection (MgAnnotationEditor *self,
                int                 step)
{
  guint           n = g_list_model_get_n_items (G_LIST_MODEL (self->suggestion_model));
  guint           selected = selected_suggestion (self);
  GtkListBoxRow  *row;
  GtkAdjustment  *adjustment;
  graphene_rect_t bounds;

  if (n == 0)
    return;

  if (selected == GTK_INVALID_LIST_POSITION)
    selected = step > 0 ? 0 : n - 1;
  else
    selected = (selected + n + step) % n;

  row = gtk_list_box_get_row_at_index (self->suggestion_list, selected);
  gtk_list_box_select_row (self->suggestion_list, row);

  /* The chosen one in view; the list does not scroll to its selection. */
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->suggestions));
  if (gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (self->suggestion_list), &bounds))
    {
      double top = bounds.origin.y, bottom = bounds.origin.y + bounds.size.height;
      double value = gtk_adjustment_get_value (adjustment);
      double page = gtk_adjustment_get_page_size (adjustment);

      if (top < value)
        gtk_adjustment_set_value (adjustment, top);
      else if (bottom > value + page)
        gtk_adjustment_set_value (adjustment, bottom - page);
    }
}

/* The keys that choose a suggestion, before the entry sees them. */
static gboolean
tags_key_pressed_cb (MgAnnotationEditor    *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  guint selected;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!suggesting (self))
        update_suggestions (self);
      else
        move_selection (self, +1);
      return suggesting (self) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!suggesting (self))
        return GDK_EVENT_PROPAGATE;
      move_selection (self, -1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      selected = selected_suggestion (self);
      if (!suggesting (self) || selected == GTK_INVALID_LIST_POSITION)
        return GDK_EVENT_PROPAGATE;
      take_suggestion (self, selected);
      return GDK_EVENT_STOP;

    case GDK_KEY_Escape:
      if (!suggesting (self))
        return GDK_EVENT_PROPAGATE;
      hide_suggestions (self);
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static GtkWidget *
create_suggestion_cb (gpointer item,
                      gpointer user_data)
{
  GtkWidget *label = gtk_label_new (mg_tag_get_name (item));

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);

  return label;
}

/* The suggestions are a GtkListBox, whose rows are made when the filter
 * changes: a GtkListView makes them while it is laid out, and in a
 * popover that makes the reader below lay itself out again while it is
 * being drawn (it then stays blank). The entry keeps the focus. */
static void
create_suggestions (MgAnnotationEditor *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkCustomFilter    *filter = gtk_custom_filter_new (suggestion_filter_func, self, NULL);

  self->suggestion_model = gtk_filter_list_model_new (NULL, GTK_FILTER (filter));
  gtk_list_box_bind_model (self->suggestion_list, G_LIST_MODEL (self->suggestion_model),
                           create_suggestion_cb, NULL, NULL);

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (tags_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->tags_entry), keys);
}

/* Public API -------------------------------------------------------------- */

/**
 * mg_annotation_editor_set_tags:
 * @self: a #MgAnnotationEditor
 * @tags: (nullable): a #GListModel of #MgTag: the tags to suggest
 *
 * Sets the tags offered while the user types one.
 */
void
mg_annotation_editor_set_tags (MgAnnotationEditor *self,
                               GListModel         *tags)
{
  g_return_if_fail (MG_IS_ANNOTATION_EDITOR (self));
  g_return_if_fail (tags == NULL || G_IS_LIST_MODEL (tags));

  gtk_filter_list_model_set_model (self->suggestion_model, tags);
}

void
mg_annotation_editor_set_annotation (MgAnnotationEditor *self,
                                     MgAnnotation       *annotation)
{
  GtkTextBuffer   *buffer;
  g_autofree char *tags = NULL;

  g_return_if_fail (MG_IS_ANNOTATION_EDITOR (self));
  g_return_if_fail (MG_IS_ANNOTATION (annotation));

  /* Switching annotations keeps what was typed for the previous one. */
  if (self->annotation != NULL && self->annotation != annotation)
    mg_annotation_editor_commit (self);

  g_set_object (&self->annotation, annotation);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s", mg_annotation_get_id (annotation));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);

  self->updating = TRUE;
  buffer = gtk_text_view_get_buffer (self->note_view);
  gtk_text_buffer_set_text (buffer, mg_annotation_get_note (annotation), -1);

  tags = g_strjoinv (", ", (char **) mg_annotation_get_tags (annotation));
  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), tags);
  self->updating = FALSE;

  /* The words the user highlighted, when the passage's changed since. */
  if (mg_annotation_get_previous_exact (annotation) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Changed since you highlighted it. It read: “%s”"),
                                               mg_annotation_get_previous_exact (annotation));

      gtk_label_set_text (self->previous_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->previous_label), mg_annotation_get_previous_exact (annotation) != NULL);

  hide_suggestions (self);
}
/**
 * mg_annotation_editor_get_previous_text:
 * @self: a #MgAnnotationEditor
 *
 * Returns: (nullable): what the editor says of the words a changed
 *   passage was highlighted on, or %NULL when it says nothing (for tests)
 */
const char *
mg_annotation_editor_get_previous_text (MgAnnotationEditor *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_EDITOR (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->previous_label)))
    return NULL;

  return gtk_label_get_text (self->previous_label);
}

MgAnnotation *
mg_annotation_editor_get_annotation (MgAnnotationEditor *self)
{
  g_return_val_if_fail (MG_IS_ANNOTATION_EDITOR (self), NULL);

  return self->annotation;
}

void
mg_annotation_editor_focus_note (MgAnnotationEditor *self)
{
  g_return_if_fail (MG_IS_ANNOTATION_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->note_view));
}

/* For tests: type into the fields as a user would. */
void
mg_annotation_editor_set_note_text (MgAnnotationEditor *self,
                                    const char         *note)
{
  g_return_if_fail (MG_IS_ANNOTATION_EDITOR (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), note, -1);
}

void
mg_annotation_editor_set_tags_text (MgAnnotationEditor *self,
                                    const char         *tags)
{
  g_return_if_fail (MG_IS_ANNOTATION_EDITOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), tags);
}

/* GObject ----------------------------------------------------------------- */

static void
mg_annotation_editor_dispose (GObject *object)
{
  MgAnnotationEditor *self = MG_ANNOTATION_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_ANNOTATION_EDITOR);

  g_clear_object (&self->suggestion_model);
  g_clear_object (&self->annotation);

  G_OBJECT_CLASS (mg_annotation_editor_parent_class)->dispose (object);
}

static void
mg_annotation_editor_finalize (GObject *object)
{
  MgAnnotationEditor *self = MG_ANNOTATION_EDITOR (object);

  g_free (self->typed_tag);

  G_OBJECT_CLASS (mg_annotation_editor_parent_class)->finalize (object);
}

static void
mg_annotation_editor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MgAnnotationEditor *self = MG_ANNOTATION_EDITOR (object);

  switch (prop_id)
    {
    case PROP_COLOR:
      g_value_set_string (value, mg_color_to_string (self->annotation != NULL ? mg_annotation_get_color (self->annotation) : MG_COLOR_YELLOW));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_annotation_editor_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  MgAnnotationEditor *self = MG_ANNOTATION_EDITOR (object);
  MgColor             color;

  switch (prop_id)
    {
    case PROP_COLOR:
      /* A colour applies at once. */
      if (self->annotation != NULL && mg_color_from_string (g_value_get_string (value), &color) && color != mg_annotation_get_color (self->annotation))
        {
          mg_annotation_set_color (self->annotation, color);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The tooltips of the editor's template, set here rather than in
 * mg-annotation-editor.ui: see mg-tooltip.c. */
static const MgTooltip editor_tooltips[] = {
  { "delete_button", N_ ("Delete this highlight and its note") },
  { "done_button", N_ ("Keep the note and tags") },
};

static void
mg_annotation_editor_class_init (MgAnnotationEditorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_annotation_editor_dispose;
  object_class->finalize = mg_annotation_editor_finalize;
  object_class->get_property = mg_annotation_editor_get_property;
  object_class->set_property = mg_annotation_editor_set_property;

  /**
   * MgAnnotationEditor:color:
   *
   * The colour of the annotation edited, by name ("yellow", ...).
   */
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, "yellow",
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MgAnnotationEditor::delete-requested:
   * @self: the editor
   * @annotation: the annotation to delete
   */
  signals[DELETE_REQUESTED] = g_signal_new ("delete-requested",
                                            G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, MG_TYPE_ANNOTATION);

  g_type_ensure (MG_TYPE_COLOR_SELECTOR);
  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-annotation-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationEditor, note_view);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationEditor, tags_entry);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationEditor, copy_button);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationEditor, previous_label);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationEditor, suggestions);
  gtk_widget_class_bind_template_child (widget_class, MgAnnotationEditor, suggestion_list);
  mg_tooltip_class_bind (widget_class, editor_tooltips, G_N_ELEMENTS (editor_tooltips));
  gtk_widget_class_bind_template_callback (widget_class, closed_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, done_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, tags_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, suggestion_activated_cb);

  gtk_widget_class_install_property_action (widget_class, "editor.color", "color");
}

static void
mg_annotation_editor_init (MgAnnotationEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  mg_tooltip_set (GTK_WIDGET (self->note_view), _ ("Your note on this passage; Markdown is kept as written"));
  mg_tooltip_set (GTK_WIDGET (self->tags_entry), _ ("Tags for this passage, separated by commas"));
  mg_tooltip_set (self->copy_button, _ ("Copy as Markdown"));
  mg_tooltip_set_all (GTK_WIDGET (self), MG_TYPE_ANNOTATION_EDITOR, editor_tooltips, G_N_ELEMENTS (editor_tooltips));
  mg_accessible_repair (GTK_WIDGET (self));
  create_suggestions (self);
}

GtkWidget *
mg_annotation_editor_new (void)
{
  return g_object_new (MG_TYPE_ANNOTATION_EDITOR, NULL);
}
