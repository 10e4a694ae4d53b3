/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-color-selector"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-color-selector.h"
#include "mg-colors.h"
#include "mg-tooltip.h"

/**
 * MgColorSelector:
 *
 * A row of the highlight colours, one button each: the one way the app
 * offers its palette (the header bar's colour menu and the selection
 * popover, the note editor, the sidebar's colour filter). As GNOME Text
 * Editor's theme selector does, it holds no state of its own when it is
 * bound to an action: each button activates #MgColorSelector:action-name
 * with its colour's name ("yellow", ...) as the target, so a stateful
 * action (a property action such as the editor's `editor.color`) shows
 * the current colour as the checked button, and a stateless one
 * (`win.highlight-with`) makes them plain buttons.
 *
 * Without an action, with #MgColorSelector:filter set, it is a filter: each
 * colour toggles on its own, drawn as a chip with a check mark, and
 * #MgColorSelector:selection is the mask of the colours checked. While
 * some are, the selector has the style class "mg-filtering" (the others
 * fade).
 *
 * Every button has the colour's name as its tooltip and accessible name
 * ("Highlight in Yellow" with #MgColorSelector:highlight-labels).
 *
 * The row is one stop for Tab, as a radio group is: only one of its
 * buttons takes the focus from Tab (the last one focused, at first the
 * first), and the arrow keys, Home and End move between them.
 */

struct _MgColorSelector
{
  GtkWidget parent_instance;

  GtkToggleButton *buttons[MG_N_COLORS];
  char            *action_name;
  guint            selection;
  guint            filter : 1;
  guint            highlight_labels : 1;
  guint            updating : 1;
};

G_DEFINE_FINAL_TYPE (MgColorSelector, mg_color_selector, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ACTION_NAME,
  PROP_SELECTION,
  PROP_FILTER,
  PROP_HIGHLIGHT_LABELS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
button_toggled_cb (MgColorSelector *self)
{
  guint colors = 0;

  if (self->updating || !self->filter)
    return;

  for (guint i = 0; i < MG_N_COLORS; i++)
    if (gtk_toggle_button_get_active (self->buttons[i]))
      colors |= MG_COLOR_BIT (i);

  mg_color_selector_set_selection (self, colors);
}

/* @index becomes the one button that Tab stops at. */
static void
set_tab_stop (MgColorSelector *self,
              guint            index)
{
  for (guint i = 0; i < MG_N_COLORS; i++)
    gtk_widget_set_focusable (GTK_WIDGET (self->buttons[i]), i == index);
}

static void
button_focus_enter_cb (GtkEventControllerFocus *controller,
                       MgColorSelector         *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  for (guint i = 0; i < MG_N_COLORS; i++)
    if (GTK_WIDGET (self->buttons[i]) == button)
      set_tab_stop (self, i);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                MgColorSelector       *self)
{
  int focused = -1;
  int next;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  for (guint i = 0; i < MG_N_COLORS; i++)
    if (gtk_widget_has_focus (GTK_WIDGET (self->buttons[i])))
      focused = i;
  if (focused < 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      next = focused > 0 ? focused - 1 : MG_N_COLORS - 1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      next = focused < MG_N_COLORS - 1 ? focused + 1 : 0;
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      next = 0;
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      next = MG_N_COLORS - 1;
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  /* Right-to-left text runs the row the other way. */
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL && keyval != GDK_KEY_Home && keyval != GDK_KEY_End && keyval != GDK_KEY_KP_Home && keyval != GDK_KEY_KP_End)
    next = focused - (next - focused);
  next = CLAMP (next, 0, MG_N_COLORS - 1);

  set_tab_stop (self, next);
  gtk_widget_grab_focus (GTK_WIDGET (self->buttons[next]));

  return GDK_EVENT_STOP;
}

static void
sync_buttons (MgColorSelector *self)
{
  if (!self->filter)
    return;

  self->updating = TRUE;
  for (guint i = 0; i < MG_N_COLORS; i++)
    gtk_toggle_button_set_active (self->buttons[i], (self->selection & MG_COLOR_BIT (i)) != 0);
  self->updating = FALSE;

  if (self->selection != 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "mg-filtering");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "mg-filtering");
}

static void
create_buttons (MgColorSelector *self)
{
  GtkEventController *focus;

  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      GtkWidget       *button = gtk_toggle_button_new ();
      const char      *name = mg_color_to_string (i);
      const char      *label = self->highlight_labels ? mg_color_get_highlight_label (i) : mg_color_get_label (i);
      g_autofree char *css = NULL;

      if (self->filter)
        {
          css = g_strdup_printf ("mg-color-%s", name);
          gtk_button_set_child (GTK_BUTTON (button), gtk_image_new_from_icon_name ("object-select-symbolic"));
          gtk_widget_add_css_class (button, "mg-color-chip");
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
        }
      else
        {
          css = g_strdup_printf ("mg-swatch-%s", name);
          gtk_widget_add_css_class (button, "mg-swatch");
        }
      gtk_widget_add_css_class (button, css);
      mg_tooltip_set (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", name);
      g_signal_connect_swapped (button, "toggled", G_CALLBACK (button_toggled_cb), self);
      gtk_widget_set_parent (button, GTK_WIDGET (self));

      focus = gtk_event_controller_focus_new ();
      g_signal_connect (focus, "enter", G_CALLBACK (button_focus_enter_cb), self);
      gtk_widget_add_controller (button, focus);

      self->buttons[i] = GTK_TOGGLE_BUTTON (button);
    }

  set_tab_stop (self, 0);
}

/* Public API --------------------------------------------------------------- */

GtkWidget *
mg_color_selector_new (const char *action_name)
{
  return g_object_new (MG_TYPE_COLOR_SELECTOR,
                       "action-name", action_name,
                       NULL);
}

const char *
mg_color_selector_get_action_name (MgColorSelector *self)
{
  g_return_val_if_fail (MG_IS_COLOR_SELECTOR (self), NULL);

  return self->action_name;
}

/**
 * mg_color_selector_set_action_name:
 * @self: a #MgColorSelector
 * @action_name: (nullable): an action taking a colour's name ("s")
 *
 * Binds every button to @action_name, each with its colour as target.
 */
void
mg_color_selector_set_action_name (MgColorSelector *self,
                                   const char      *action_name)
{
  g_return_if_fail (MG_IS_COLOR_SELECTOR (self));

  if (g_strcmp0 (self->action_name, action_name) == 0)
    return;

  g_free (self->action_name);
  self->action_name = g_strdup (action_name);

  for (guint i = 0; i < MG_N_COLORS && self->buttons[i] != NULL; i++)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->buttons[i]), action_name);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTION_NAME]);
}

/**
 * mg_color_selector_get_selection:
 * @self: a #MgColorSelector
 *
 * Returns: the colours checked in a filter, as a mask of MG_COLOR_BIT()
 */
guint
mg_color_selector_get_selection (MgColorSelector *self)
{
  g_return_val_if_fail (MG_IS_COLOR_SELECTOR (self), 0);

  return self->selection;
}

void
mg_color_selector_set_selection (MgColorSelector *self,
                                 guint            colors)
{
  g_return_if_fail (MG_IS_COLOR_SELECTOR (self));

  colors &= MG_COLOR_BIT (MG_N_COLORS) - 1;
  if (self->selection == colors)
    return;

  self->selection = colors;
  sync_buttons (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION]);
}

/**
 * mg_color_selector_get_button:
 * @self: a #MgColorSelector
 * @color: a colour
 *
 * Returns: (transfer none): the button of @color
 */
GtkWidget *
mg_color_selector_get_button (MgColorSelector *self,
                              MgColor          color)
{
  g_return_val_if_fail (MG_IS_COLOR_SELECTOR (self), NULL);
  g_return_val_if_fail (color < MG_N_COLORS, NULL);

  return GTK_WIDGET (self->buttons[color]);
}

/* GObject ------------------------------------------------------------------ */

static void
mg_color_selector_constructed (GObject *object)
{
  MgColorSelector *self = MG_COLOR_SELECTOR (object);

  G_OBJECT_CLASS (mg_color_selector_parent_class)->constructed (object);

  create_buttons (self);
  for (guint i = 0; i < MG_N_COLORS; i++)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->buttons[i]), self->action_name);
  sync_buttons (self);
}

static void
mg_color_selector_dispose (GObject *object)
{
  MgColorSelector *self = MG_COLOR_SELECTOR (object);
  GtkWidget       *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  for (guint i = 0; i < MG_N_COLORS; i++)
    self->buttons[i] = NULL;

  G_OBJECT_CLASS (mg_color_selector_parent_class)->dispose (object);
}

static void
mg_color_selector_finalize (GObject *object)
{
  MgColorSelector *self = MG_COLOR_SELECTOR (object);

  g_free (self->action_name);

  G_OBJECT_CLASS (mg_color_selector_parent_class)->finalize (object);
}

static void
mg_color_selector_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MgColorSelector *self = MG_COLOR_SELECTOR (object);

  switch (prop_id)
    {
    case PROP_ACTION_NAME:
      g_value_set_string (value, self->action_name);
      break;

    case PROP_SELECTION:
      g_value_set_uint (value, self->selection);
      break;

    case PROP_FILTER:
      g_value_set_boolean (value, self->filter);
      break;

    case PROP_HIGHLIGHT_LABELS:
      g_value_set_boolean (value, self->highlight_labels);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_color_selector_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MgColorSelector *self = MG_COLOR_SELECTOR (object);

  switch (prop_id)
    {
    case PROP_ACTION_NAME:
      mg_color_selector_set_action_name (self, g_value_get_string (value));
      break;

    case PROP_SELECTION:
      mg_color_selector_set_selection (self, g_value_get_uint (value));
      break;

    case PROP_FILTER:
      self->filter = g_value_get_boolean (value);
      break;

    case PROP_HIGHLIGHT_LABELS:
      self->highlight_labels = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_color_selector_class_init (MgColorSelectorClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mg_color_selector_constructed;
  object_class->dispose = mg_color_selector_dispose;
  object_class->finalize = mg_color_selector_finalize;
  object_class->get_property = mg_color_selector_get_property;
  object_class->set_property = mg_color_selector_set_property;

  properties[PROP_ACTION_NAME] = g_param_spec_string ("action-name", NULL, NULL, NULL,
                                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTION] = g_param_spec_uint ("selection", NULL, NULL,
                                                  0, MG_COLOR_BIT (MG_N_COLORS) - 1, 0,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTER] = g_param_spec_boolean ("filter", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT_LABELS] = g_param_spec_boolean ("highlight-labels", NULL, NULL, FALSE,
                                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mgcolorselector");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mg_color_selector_init (MgColorSelector *self)
{
  GtkLayoutManager   *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  /* Before the buttons see the keys (a button would move the focus on). */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
