/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-annotation-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-annotation-editor.h"
#include "mg-colors.h"

/**
 * MgAnnotationEditor:
 *
 * The popover that edits one annotation: its colour (applied at once),
 * note and tags (applied when the popover closes, so that typing a note
 * makes one change, not one per key), and a delete button.
 */
struct _MgAnnotationEditor
{
  GtkPopover parent_instance;

  MgAnnotation    *annotation;
  GtkToggleButton *swatches[MG_N_COLORS];
  GtkTextView     *note_view;
  GtkEntry        *tags_entry;
  GtkListStore    *tag_store;
  GtkWidget       *copy_button;
  gboolean         updating;
};

G_DEFINE_FINAL_TYPE (MgAnnotationEditor, mg_annotation_editor, GTK_TYPE_POPOVER)

enum
{
  DELETE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
swatch_toggled_cb (MgAnnotationEditor *self,
                   GtkToggleButton    *button)
{
  MgColor color = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "mg-color"));

  if (self->updating || self->annotation == NULL || !gtk_toggle_button_get_active (button))
    return;

  mg_annotation_set_color (self->annotation, color);
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

/* Completion works on the tag being typed: the text after the last comma. */
static gboolean
completion_match_cb (GtkEntryCompletion *completion,
                     const char         *key,
                     GtkTreeIter        *iter,
                     gpointer            user_data)
{
  GtkTreeModel    *model = gtk_entry_completion_get_model (completion);
  g_autofree char *tag = NULL;
  g_autofree char *tag_folded = NULL;
  g_autofree char *key_folded = NULL;
  const char      *last = strrchr (key, ',');

  last = last != NULL ? last + 1 : key;
  while (*last == ' ' || *last == '#')
    last++;
  if (*last == '\0')
    return FALSE;

  gtk_tree_model_get (model, iter, 0, &tag, -1);
  tag_folded = g_utf8_casefold (tag, -1);
  key_folded = g_utf8_casefold (last, -1);

  return g_str_has_prefix (tag_folded, key_folded) && g_strcmp0 (tag_folded, key_folded) != 0;
}

static gboolean
completion_selected_cb (GtkEntryCompletion *completion,
                        GtkTreeModel       *model,
                        GtkTreeIter        *iter,
                        MgAnnotationEditor *self)
{
  const char      *text = gtk_editable_get_text (GTK_EDITABLE (self->tags_entry));
  const char      *last = strrchr (text, ',');
  g_autofree char *tag = NULL;
  g_autofree char *head = NULL;
  g_autofree char *result = NULL;

  gtk_tree_model_get (model, iter, 0, &tag, -1);
  head = last != NULL ? g_strndup (text, last - text + 1) : g_strdup ("");
  result = g_strconcat (head, *head != '\0' ? " " : "", tag, ", ", NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), result);
  gtk_editable_set_position (GTK_EDITABLE (self->tags_entry), -1);

  return TRUE;
}

void
mg_annotation_editor_set_annotation (MgAnnotationEditor *self,
                                     MgAnnotation       *annotation,
                                     const char *const  *known_tags)
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

  self->updating = TRUE;
  gtk_toggle_button_set_active (self->swatches[mg_annotation_get_color (annotation)], TRUE);
  self->updating = FALSE;

  buffer = gtk_text_view_get_buffer (self->note_view);
  gtk_text_buffer_set_text (buffer, mg_annotation_get_note (annotation), -1);

  tags = g_strjoinv (", ", (char **) mg_annotation_get_tags (annotation));
  gtk_editable_set_text (GTK_EDITABLE (self->tags_entry), tags);

  gtk_list_store_clear (self->tag_store);
  for (guint i = 0; known_tags != NULL && known_tags[i] != NULL; i++)
    gtk_list_store_insert_with_values (self->tag_store, NULL, -1, 0, known_tags[i], -1);
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

static void
mg_annotation_editor_dispose (GObject *object)
{
  MgAnnotationEditor *self = MG_ANNOTATION_EDITOR (object);

  g_clear_object (&self->annotation);
  g_clear_object (&self->tag_store);

  G_OBJECT_CLASS (mg_annotation_editor_parent_class)->dispose (object);
}

static void
mg_annotation_editor_class_init (MgAnnotationEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_annotation_editor_dispose;

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
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");

  return label;
}

static void
mg_annotation_editor_init (MgAnnotationEditor *self)
{
  GtkWidget          *box, *swatches, *scroller, *footer, *button, *label;
  GtkEntryCompletion *completion;
  GtkToggleButton    *group = NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_size_request (box, 320, -1);

  swatches = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (swatches, GTK_ALIGN_CENTER);
  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      g_autofree char *css = g_strdup_printf ("mg-swatch-%s", mg_color_to_string (i));
      GtkWidget       *swatch = gtk_toggle_button_new ();

      gtk_widget_add_css_class (swatch, "mg-swatch");
      gtk_widget_add_css_class (swatch, css);
      gtk_widget_set_tooltip_text (swatch, mg_color_get_label (i));
      gtk_accessible_update_property (GTK_ACCESSIBLE (swatch),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, mg_color_get_label (i),
                                      -1);
      g_object_set_data (G_OBJECT (swatch), "mg-color", GUINT_TO_POINTER (i));
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (swatch), group);
      else
        group = GTK_TOGGLE_BUTTON (swatch);
      g_signal_connect_swapped (swatch, "toggled", G_CALLBACK (swatch_toggled_cb), self);
      self->swatches[i] = GTK_TOGGLE_BUTTON (swatch);
      gtk_box_append (GTK_BOX (swatches), swatch);
    }
  gtk_box_append (GTK_BOX (box), swatches);

  label = heading (_ ("Note"));
  gtk_box_append (GTK_BOX (box), label);

  self->note_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->note_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (self->note_view, FALSE);
  gtk_text_view_set_top_margin (self->note_view, 8);
  gtk_text_view_set_bottom_margin (self->note_view, 8);
  gtk_text_view_set_left_margin (self->note_view, 8);
  gtk_text_view_set_right_margin (self->note_view, 8);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->note_view), _ ("Your note on this passage; Markdown is kept as written"));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->note_view),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 96);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 240);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->note_view));
  gtk_widget_add_css_class (scroller, "card");
  gtk_widget_add_css_class (scroller, "mg-note-editor");
  gtk_box_append (GTK_BOX (box), scroller);

  label = heading (_ ("Tags"));
  gtk_box_append (GTK_BOX (box), label);

  self->tags_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->tags_entry, _ ("Separated by commas"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tags_entry), _ ("Tags for this passage, separated by commas"));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->tags_entry),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);
  g_signal_connect_swapped (self->tags_entry, "activate", G_CALLBACK (done_clicked_cb), self);

  self->tag_store = gtk_list_store_new (1, G_TYPE_STRING);
  completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (self->tag_store));
  gtk_entry_completion_set_text_column (completion, 0);
  gtk_entry_completion_set_match_func (completion, completion_match_cb, NULL, NULL);
  gtk_entry_completion_set_inline_selection (completion, FALSE);
  g_signal_connect (completion, "match-selected", G_CALLBACK (completion_selected_cb), self);
  gtk_entry_set_completion (self->tags_entry, completion);
  g_object_unref (completion);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tags_entry));

  footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (footer, 4);

  button = gtk_button_new_with_mnemonic (_ ("_Delete"));
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_tooltip_text (button, _ ("Delete this highlight and its note"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (delete_clicked_cb), self);
  gtk_box_append (GTK_BOX (footer), button);

  self->copy_button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_tooltip_text (self->copy_button, _ ("Copy as Markdown"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Copy as Markdown"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), "win.copy-annotation-markdown");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s", "");
  gtk_box_append (GTK_BOX (footer), self->copy_button);

  button = gtk_button_new_with_mnemonic (_ ("_Done"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_tooltip_text (button, _ ("Keep the note and tags"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (done_clicked_cb), self);
  gtk_box_append (GTK_BOX (footer), button);

  gtk_box_append (GTK_BOX (box), footer);

  gtk_popover_set_child (GTK_POPOVER (self), box);
  gtk_popover_set_position (GTK_POPOVER (self), GTK_POS_BOTTOM);
  g_signal_connect (self, "closed", G_CALLBACK (closed_cb), NULL);
}

GtkWidget *
mg_annotation_editor_new (void)
{
  return g_object_new (MG_TYPE_ANNOTATION_EDITOR, NULL);
}
