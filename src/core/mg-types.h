/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MgAnnotation     MgAnnotation;
typedef struct _MgAnnotationList MgAnnotationList;
typedef struct _MgDocument       MgDocument;
typedef struct _MgStore          MgStore;

G_END_DECLS
