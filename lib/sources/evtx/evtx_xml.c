/* evtx_xml.c — the XML sink: a record rendered as Windows event XML, for
 * analysts who want to read a record whole (`updguard events --format-out
 * xml`). Layout as evtxexport and Event Viewer's XML view show it: two-space
 * indentation, one element per line, text inline, empty elements
 * self-closed, attribute values double-quoted, & < > " escaped. Only built
 * when the input asks for it (ug_input_opts.evtx_xml): the normal read path
 * never renders XML. */
#include "core/buf.h"
#include "core/str.h"
#include "sources/evtx/evtx.h"

#define XMAX ((int)(EVTX_MAX_DEPTH * 4))

static void escape(ug_buf *b, ug_sv s, bool attr)
{
	size_t from = 0;
	for (size_t i = 0; i < s.n; i++) {
		const char *rep = NULL;
		switch (s.p[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		default: break;
		}
		if (!rep)
			continue;
		ug_buf_append(b, s.p + from, i - from);
		ug_buf_puts(b, rep);
		from = i + 1;
	}
	ug_buf_append(b, s.p + from, s.n - from);
}

static void indent(ug_buf *b, int depth)
{
	ug_buf_putc(b, '\n');
	for (int i = 0; i < depth; i++)
		ug_buf_append(b, "  ", 2);
}

/* Close the start tag of the innermost element with '>' if still open. */
static void end_start_tag(evtx_xsink *s)
{
	if (s->depth > 0 && s->depth <= XMAX && s->start_open[s->depth - 1]) {
		ug_buf_putc(s->out, '>');
		s->start_open[s->depth - 1] = false;
	}
}

static void x_open(evtx_sink *base, evtx_op *op)
{
	evtx_xsink *s = (evtx_xsink *)base;
	end_start_tag(s);
	if (s->depth > 0 && s->depth <= XMAX)
		s->had_child[s->depth - 1] = true;
	if (s->depth > 0)
		indent(s->out, s->depth);
	ug_buf_putc(s->out, '<');
	ug_buf_append_sv(s->out, op->text);
	s->depth++;
	if (s->depth <= XMAX) {
		s->start_open[s->depth - 1] = true;
		s->had_child[s->depth - 1] = false;
		s->ops[s->depth - 1] = op;
	}
}

static void x_attr(evtx_sink *base, evtx_op *op, ug_sv value, const evtx_val *raw)
{
	(void)raw;
	evtx_xsink *s = (evtx_xsink *)base;
	ug_buf_putc(s->out, ' ');
	ug_buf_append_sv(s->out, op->text);
	ug_buf_append(s->out, "=\"", 2);
	escape(s->out, value, true);
	ug_buf_putc(s->out, '"');
}

static void x_text(evtx_sink *base, evtx_piece kind, ug_sv text, ug_sv extra, const evtx_val *raw)
{
	(void)raw;
	evtx_xsink *s = (evtx_xsink *)base;
	end_start_tag(s);
	switch (kind) {
	case EVTX_PIECE_CDATA:
		ug_buf_puts(s->out, "<![CDATA[");
		ug_buf_append_sv(s->out, text);
		ug_buf_puts(s->out, "]]>");
		break;
	case EVTX_PIECE_ENTREF:
		ug_buf_putc(s->out, '&');
		ug_buf_append_sv(s->out, extra);
		ug_buf_putc(s->out, ';');
		break;
	case EVTX_PIECE_PI:
		ug_buf_puts(s->out, "<?");
		ug_buf_append_sv(s->out, text);
		ug_buf_puts(s->out, "?>");
		break;
	default: escape(s->out, text, false); break;
	}
}

static void x_close(evtx_sink *base)
{
	evtx_xsink *s = (evtx_xsink *)base;
	if (s->depth <= 0)
		return;
	int d = s->depth--;
	if (d > XMAX) {
		ug_buf_puts(s->out, "</?>");
		return;
	}
	if (s->start_open[d - 1]) {
		ug_buf_append(s->out, "/>", 2);
		return;
	}
	if (s->had_child[d - 1])
		indent(s->out, d - 1);
	ug_buf_append(s->out, "</", 2);
	ug_buf_append_sv(s->out, s->ops[d - 1]->text);
	ug_buf_putc(s->out, '>');
}

void evtx_xsink_init(evtx_xsink *s, ug_buf *out)
{
	s->base = (evtx_sink){x_open, x_attr, x_text, x_close};
	s->out = out;
	s->depth = 0;
}
