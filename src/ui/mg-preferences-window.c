/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-accessible.h"
#include "mg-preferences-window.h"
#include "mg-reading-style.h"
#include "mg-store.h"
#include "mg-ui-resources.h"

/**
 * MgPreferencesWindow:
 *
 * Reading comfort: the font, its size, the spacing of lines, the width of
 * the column and the style, each bound to its key in GSettings, above a
 * preview that the same settings style as the reader; and the annotations
 * folder (a synced folder, for annotations on every computer), chosen with
 * the file chooser portal. Changing the folder is the window's
 * `win.set-annotations-folder` action: the window it is for saves what is
 * pending, merges the old folder into the new one and says what it did.
 */

struct _MgPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkScrolledWindow *preview_scroller;
  GtkTextView       *preview;
  GtkFontButton     *font_button;
  GtkAdjustment     *font_size_adjustment;
  GtkAdjustment     *line_spacing_adjustment;
  GtkAdjustment     *text_width_adjustment;
  GtkScale          *text_width_scale;
  AdwActionRow      *folder_row;
  GtkWidget         *default_folder_button;

  GSettings            *settings;
  GtkFileChooserNative *folder_chooser;
};

G_DEFINE_FINAL_TYPE (MgPreferencesWindow, mg_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The key holds a family; the font button wants a whole description. */
static gboolean
font_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *family = g_variant_get_string (variant, NULL);

  g_value_set_string (value, *family != '\0' ? family : "Serif");

  return TRUE;
}

static GVariant *
font_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  g_autoptr (PangoFontDescription) desc = NULL;
  const char *font = g_value_get_string (value);
  const char *family;

  if (font == NULL)
    return g_variant_new_string ("");

  desc = pango_font_description_from_string (font);
  family = pango_font_description_get_family (desc);

  return g_variant_new_string (family != NULL ? family : "");
}

static void
font_set_cb (MgPreferencesWindow *self)
{
  /* Choosing a font is choosing to read in it. */
  g_settings_set_string (self->settings, "font-family", "custom");
}

static char *
format_width (GtkScale *scale,
              double    value,
              gpointer  user_data)
{
  /* Translators: a width in pixels */
  return g_strdup_printf (_ ("%d px"), (int) value);
}

/* The folder row says which folder is used; "Default" is there for a
 * folder of the user's. */
static void
update_folder_row (MgPreferencesWindow *self)
{
  g_autofree char *chosen = g_settings_get_string (self->settings, "annotations-folder");
  g_autofree char *folder = mg_store_get_folder ();
  g_autofree char *shown = g_filename_display_name (folder);

  adw_action_row_set_subtitle (self->folder_row, shown);
  gtk_widget_set_visible (self->default_folder_button, *chosen != '\0');
}

/* Asks the window the preferences are for to change the folder ("" for
 * the default one). */
static void
change_folder (MgPreferencesWindow *self,
               const char          *folder)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent == NULL || !gtk_widget_activate_action (GTK_WIDGET (parent), "win.set-annotations-folder", "s", folder))
    g_warning ("The annotations folder can only be changed from a document window");
}

static void
folder_chosen_cb (MgPreferencesWindow *self,
                  int                  response,
                  GtkNativeDialog     *chooser)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->folder_chooser);

  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_ ("Choose a folder on this computer")));
      return;
    }

  change_folder (self, path);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MgPreferencesWindow *self = MG_PREFERENCES_WINDOW (widget);
  g_autofree char     *current = mg_store_get_folder ();
  g_autoptr (GFile) folder = g_file_new_for_path (current);

  if (self->folder_chooser != NULL)
    return;

  /* Native: the portal's chooser under Flatpak. */
  self->folder_chooser = gtk_file_chooser_native_new (_ ("Annotations Folder"),
                                                      GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                      _ ("_Use Folder"),
                                                      _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->folder_chooser), TRUE);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->folder_chooser), folder, NULL);
  g_signal_connect_object (self->folder_chooser, "response", G_CALLBACK (folder_chosen_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->folder_chooser));
}

static void
default_folder_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  change_folder (MG_PREFERENCES_WINDOW (widget), "");
}

static void
mg_preferences_window_constructed (GObject *object)
{
  MgPreferencesWindow *self = MG_PREFERENCES_WINDOW (object);
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr (GAction) font_family = NULL;
  g_autoptr (GAction) color_scheme = NULL;
  GtkTextBuffer *buffer;

  G_OBJECT_CLASS (mg_preferences_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  font_family = g_settings_create_action (self->settings, "font-family");
  color_scheme = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (group), font_family);
  g_action_map_add_action (G_ACTION_MAP (group), color_scheme);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "prefs", G_ACTION_GROUP (group));

  g_settings_bind (self->settings, "font-size", self->font_size_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "line-spacing", self->line_spacing_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "text-width", self->text_width_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "custom-font", self->font_button, "font",
                                G_SETTINGS_BIND_DEFAULT, font_get_mapping, font_set_mapping, NULL, NULL);
  g_signal_connect_object (self->font_button, "font-set", G_CALLBACK (font_set_cb), self, G_CONNECT_SWAPPED);

  buffer = gtk_text_view_get_buffer (self->preview);
  gtk_text_buffer_set_text (buffer,
                            _ ("The afternoon light fell across the margins, where someone, "
                               "long ago, had written small notes in pencil.\n"
                               "She read slowly, one paragraph at a time, and marked the lines "
                               "she wanted to keep."),
                            -1);
  mg_reading_style_apply (self->settings, self->preview, NULL);

  g_signal_connect_object (self->settings, "changed::annotations-folder", G_CALLBACK (update_folder_row), self, G_CONNECT_SWAPPED);
  update_folder_row (self);
}

static void
mg_preferences_window_dispose (GObject *object)
{
  MgPreferencesWindow *self = MG_PREFERENCES_WINDOW (object);

  if (self->folder_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->folder_chooser));
  g_clear_object (&self->folder_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mg_preferences_window_parent_class)->dispose (object);
}

static void
mg_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  MgPreferencesWindow *self = MG_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  MgPreferencesWindow *self = MG_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_preferences_window_class_init (MgPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mg_preferences_window_constructed;
  object_class->dispose = mg_preferences_window_dispose;
  object_class->get_property = mg_preferences_window_get_property;
  object_class->set_property = mg_preferences_window_set_property;

  /**
   * MgPreferencesWindow:settings:
   *
   * The settings shown and changed; the application's when none is given.
   */
  properties[PROP_SETTINGS] = g_param_spec_object ("settings", NULL, NULL,
                                                   G_TYPE_SETTINGS,
                                                   G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, preview_scroller);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, font_button);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, font_size_adjustment);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, line_spacing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, text_width_adjustment);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, text_width_scale);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, MgPreferencesWindow, default_folder_button);

  gtk_widget_class_install_action (widget_class, "folder.choose", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "folder.use-default", NULL, default_folder_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
mg_preferences_window_init (MgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Only families: the size has its own row. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_font_chooser_set_level (GTK_FONT_CHOOSER (self->font_button), GTK_FONT_CHOOSER_LEVEL_FAMILY);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_scale_set_format_value_func (self->text_width_scale, format_width, NULL, NULL);
  mg_accessible_label_inner_button (GTK_WIDGET (self->font_button), NULL, _ ("Choose the custom font"));
  mg_accessible_repair (GTK_WIDGET (self));
}

/**
 * mg_preferences_window_new:
 * @parent: (nullable): the window it is for
 * @settings: (nullable): the settings to show, or %NULL for the application's
 *
 * Returns: (transfer none): a new preferences window
 */
GtkWidget *
mg_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (MG_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "settings", settings,
                       NULL);
}

GSettings *
mg_preferences_window_get_settings (MgPreferencesWindow *self)
{
  g_return_val_if_fail (MG_IS_PREFERENCES_WINDOW (self), NULL);

  return self->settings;
}
