/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mg-document.h"
#include "mg-snapshot.h"
#include "mg-web-fetch.h"

G_BEGIN_DECLS

#define MG_TYPE_OPEN_LINK_DIALOG (mg_open_link_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MgOpenLinkDialog, mg_open_link_dialog, MG, OPEN_LINK_DIALOG, AdwWindow)

MgOpenLinkDialog *mg_open_link_dialog_new (GtkWindow *parent);
void              mg_open_link_dialog_fetch (MgOpenLinkDialog *self,
                                             const char       *url);
void              mg_open_link_dialog_show_error (MgOpenLinkDialog *self,
                                                  const GError     *error);
gboolean          mg_open_link_dialog_get_busy (MgOpenLinkDialog *self);
const char       *mg_open_link_dialog_get_error (MgOpenLinkDialog *self);
gboolean          mg_open_link_dialog_get_offers_browser (MgOpenLinkDialog *self);
MgWebFetch       *mg_open_link_dialog_get_fetch (MgOpenLinkDialog *self);
GtkEditable      *mg_open_link_dialog_get_entry (MgOpenLinkDialog *self);

G_END_DECLS
