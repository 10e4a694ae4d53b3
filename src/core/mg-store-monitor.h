/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MG_TYPE_STORE_MONITOR (mg_store_monitor_get_type ())
G_DECLARE_FINAL_TYPE (MgStoreMonitor, mg_store_monitor, MG, STORE_MONITOR, GObject)

MgStoreMonitor *mg_store_monitor_new (GFile *file);
GFile          *mg_store_monitor_get_file (MgStoreMonitor *self);
void            mg_store_monitor_pause (MgStoreMonitor *self);
void            mg_store_monitor_unpause (MgStoreMonitor *self);
void            mg_store_monitor_cancel (MgStoreMonitor *self);

G_END_DECLS
