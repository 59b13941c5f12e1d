/* html_assets.h — the report page's stylesheet and script, embedded at build
 * time from lib/report/assets/ (tools/embed_assets.py writes html_assets.c). */
#ifndef UG_REPORT_HTML_ASSETS_H
#define UG_REPORT_HTML_ASSETS_H

extern const char ug_report_css[];
extern const char ug_report_js[];

#endif
