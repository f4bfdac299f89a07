/* SPDX-License-Identifier: ISC */
/*
 * mime-html.c - HTML to readable text with libxml2's HTML parser (which
 * survives any markup and decodes the entities).  The tree is walked
 * without recursion, so a deeply nested document costs no stack.
 *
 * Blocks make line breaks, paragraphs blank lines, <br> a break, list
 * items "- ", table cells " | ", blockquotes "> " (so that mime-reply.c
 * sees HTML quotes as quotes), links "text <url>" when the url says more
 * than the text, images their alt text; script, style and head are
 * skipped and white space is collapsed outside <pre>.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "mime-int.h"

#define HTML_MAX_NEST	10	/* quote and list levels drawn */
#define HTML_MAX_LINKS	8	/* nested anchors followed */
#define HTML_MAX_HREF	2048

enum hkind {
	H_INLINE, H_SKIP, H_BLOCK, H_PARA, H_BR, H_HR, H_LI, H_LIST, H_TR,
	H_CELL, H_A, H_IMG, H_QUOTE, H_PRE
};

struct helem {
	const char	*name;
	enum hkind	 kind;
};

/* Sorted by name for bsearch. */
static const struct helem helems[] = {
	{ "a", H_A }, { "address", H_BLOCK }, { "article", H_BLOCK },
	{ "aside", H_BLOCK }, { "blockquote", H_QUOTE }, { "body", H_BLOCK },
	{ "br", H_BR }, { "caption", H_BLOCK }, { "center", H_BLOCK },
	{ "dd", H_BLOCK }, { "details", H_BLOCK }, { "dir", H_LIST },
	{ "div", H_BLOCK }, { "dl", H_PARA }, { "dt", H_BLOCK },
	{ "fieldset", H_BLOCK }, { "figcaption", H_BLOCK },
	{ "figure", H_BLOCK }, { "footer", H_BLOCK }, { "form", H_BLOCK },
	{ "h1", H_PARA }, { "h2", H_PARA }, { "h3", H_PARA }, { "h4", H_PARA },
	{ "h5", H_PARA }, { "h6", H_PARA }, { "head", H_SKIP },
	{ "header", H_BLOCK }, { "hr", H_HR }, { "iframe", H_SKIP },
	{ "img", H_IMG }, { "li", H_LI }, { "main", H_BLOCK },
	{ "menu", H_LIST }, { "nav", H_BLOCK }, { "object", H_SKIP },
	{ "ol", H_LIST }, { "p", H_PARA }, { "pre", H_PRE },
	{ "script", H_SKIP }, { "section", H_BLOCK }, { "style", H_SKIP },
	{ "summary", H_BLOCK }, { "svg", H_SKIP }, { "table", H_PARA },
	{ "td", H_CELL }, { "template", H_SKIP }, { "th", H_CELL },
	{ "title", H_SKIP }, { "tr", H_TR }, { "ul", H_LIST },
};

struct hout {
	struct buf	 b;
	int		 nl;	/* line breaks owed before the next text */
	int		 space;	/* a space owed before the next text */
	int		 bol;	/* nothing written on this line yet */
	int		 cellsep;	/* " | " owed before the next text */
	int		 bullet;	/* "- " owed before the next text */
	int		 quote;
	int		 list;
	int		 pre;
	size_t		 astart[HTML_MAX_LINKS];
	int		 alinks;
};

static int
helem_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct helem *)elt)->name);
}

static enum hkind
hkind_of(const xmlNode *n)
{
	const struct helem *e;

	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return H_INLINE;
	e = bsearch(n->name, helems, ARRAY_LEN(helems), sizeof(helems[0]),
	    helem_cmp);
	return e != NULL ? e->kind : H_INLINE;
}

static void
h_break(struct hout *o, int n)
{
	if (o->nl < n)
		o->nl = n;
}

static int
nest(int n)
{
	return n > HTML_MAX_NEST ? HTML_MAX_NEST : n;
}

/* Pays what is owed (breaks, prefixes, separators) before visible text. */
static void
h_flush(struct hout *o)
{
	int i, j;

	if (o->nl > 0 && o->b.len > 0) {
		for (i = 0; i < o->nl; i++) {
			if (i > 0)
				for (j = 0; j < nest(o->quote); j++)
					buf_addc(&o->b, '>');
			buf_addc(&o->b, '\n');
		}
		o->bol = 1;
	}
	o->nl = 0;
	if (o->bol) {
		for (j = 0; j < nest(o->quote); j++)
			buf_add(&o->b, "> ", 2);
		if (o->bullet) {
			for (j = 1; j < nest(o->list); j++)
				buf_add(&o->b, "  ", 2);
			buf_add(&o->b, "- ", 2);
		}
		o->bol = o->space = o->cellsep = o->bullet = 0;
	} else if (o->cellsep) {
		buf_add(&o->b, " | ", 3);
		o->space = o->cellsep = 0;
	} else if (o->space) {
		buf_addc(&o->b, ' ');
		o->space = 0;
	}
}

/* Length of the white space at s: ASCII or U+00A0 (Outlook's &nbsp;). */
static size_t
h_space(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	return 0;
}

static void
h_text(struct hout *o, const unsigned char *s)
{
	const unsigned char *p;
	size_t k;

	while (*s != '\0') {
		if (o->pre && (*s == '\n' || *s == '\r')) {
			if (*s == '\r' && s[1] == '\n')
				s++;
			s++;
			if (o->b.len > 0 && o->nl < 2)
				o->nl++;
			o->bol = 1;
			continue;
		}
		if (!o->pre && (k = h_space(s)) != 0) {
			if (!o->bol)
				o->space = 1;
			s += k;
			continue;
		}
		for (p = s; *p != '\0' && *p != '\n' && *p != '\r' &&
		    (o->pre || h_space(p) == 0); p++)
			continue;
		h_flush(o);
		buf_add(&o->b, s, (size_t)(p - s));
		s = p;
	}
}

static void
h_str(struct hout *o, const char *s)
{
	h_text(o, (const unsigned char *)s);
}

/* Drops the scheme and a trailing slash, to compare a url with its text. */
static char *
url_core(const char *href)
{
	static const char *const schemes[] = { "mailto:", "https://",
	    "http://" };
	size_t i, n;
	char *s;

	for (i = 0; i < ARRAY_LEN(schemes); i++)
		if (str_iprefix(href, schemes[i])) {
			href += strlen(schemes[i]);
			break;
		}
	s = xstrdup(href);
	n = strlen(s);
	if (n > 0 && s[n - 1] == '/')
		s[n - 1] = '\0';
	return s;
}

static int
url_shown(const char *href)
{
	return *href != '\0' && *href != '#' && strlen(href) <= HTML_MAX_HREF
	    && !str_iprefix(href, "javascript:") && !str_iprefix(href, "cid:")
	    && !str_iprefix(href, "data:");
}

static void
h_link_end(struct hout *o, const xmlNode *n)
{
	xmlChar *href;
	size_t start;
	char *core, *text;

	if (o->alinks <= 0 || o->alinks-- > HTML_MAX_LINKS)
		return;
	start = o->astart[o->alinks];
	href = xmlGetProp(n, (const xmlChar *)"href");
	if (href == NULL)
		return;
	if (url_shown((char *)href) && o->b.len > start) {
		core = url_core((char *)href);
		text = xstrndup(o->b.data + start, o->b.len - start);
		if (strstr(text, core) == NULL) {
			h_flush(o);
			buf_add(&o->b, " <", 2);
			buf_adds(&o->b, (char *)href);
			buf_addc(&o->b, '>');
		}
		free(text);
		free(core);
	}
	xmlFree(href);
}

static void
h_img(struct hout *o, const xmlNode *n)
{
	xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
	const unsigned char *s;

	if (alt == NULL)
		return;
	for (s = alt; *s != '\0' && h_space(s) != 0; s += h_space(s))
		continue;
	if (*s != '\0') {
		h_str(o, "[");
		h_text(o, s);
		o->space = 0;
		h_str(o, "]");
	}
	xmlFree(alt);
}

/* Returns whether to visit the children. */
static int
h_enter(struct hout *o, const xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			h_text(o, n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	switch (hkind_of(n)) {
	case H_SKIP:
		return 0;
	case H_BLOCK:
	case H_TR:
		h_break(o, 1);
		break;
	case H_PARA:
		h_break(o, 2);
		break;
	case H_BR:
		if (o->b.len > 0 && o->nl < 2)
			o->nl++;
		o->bol = 1;
		break;
	case H_HR:
		h_break(o, 1);
		h_str(o, "---");
		h_break(o, 1);
		break;
	case H_LI:
		h_break(o, 1);
		o->bullet = 1;
		break;
	case H_LIST:
		h_break(o, o->list == 0 ? 2 : 1);
		o->list++;
		break;
	case H_CELL:
		if (!o->bol && o->b.len > 0)
			o->cellsep = 1;
		break;
	case H_A:
		if (o->alinks < HTML_MAX_LINKS)
			o->astart[o->alinks] = o->b.len;
		o->alinks++;
		break;
	case H_IMG:
		h_img(o, n);
		break;
	case H_QUOTE:
		h_break(o, 1);
		o->quote++;
		break;
	case H_PRE:
		h_break(o, 1);
		o->pre++;
		break;
	case H_INLINE:
		break;
	}
	return 1;
}

static void
h_leave(struct hout *o, const xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	switch (hkind_of(n)) {
	case H_BLOCK:
	case H_TR:
	case H_LI:
		h_break(o, 1);
		break;
	case H_PARA:
		h_break(o, 2);
		break;
	case H_LIST:
		o->list--;
		h_break(o, o->list == 0 ? 2 : 1);
		break;
	case H_A:
		h_link_end(o, n);
		break;
	case H_QUOTE:
		o->quote--;
		h_break(o, 1);
		break;
	case H_PRE:
		o->pre--;
		h_break(o, 1);
		break;
	default:
		break;
	}
}

static void
h_walk(struct hout *o, xmlDoc *doc)
{
	xmlNode *n = doc->children;

	while (n != NULL) {
		if (h_enter(o, n) && n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != NULL) {
			h_leave(o, n);
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL || n == (xmlNode *)doc)
				n = NULL;
		}
	}
}

char *
mime_html_to_text(const char *html, size_t len)
{
	struct hout o;
	xmlDoc *doc;
	size_t n;

	memset(&o, 0, sizeof(o));
	buf_init(&o.b);
	o.bol = 1;
	if (len > (size_t)INT32_MAX)
		len = INT32_MAX;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
	if (doc != NULL) {
		h_walk(&o, doc);
		xmlFreeDoc(doc);
	}
	n = o.b.len;
	while (n > 0 && (o.b.data[n - 1] == ' ' || o.b.data[n - 1] == '\n'))
		n--;
	if (o.b.data != NULL)
		o.b.data[n] = '\0';
	return buf_steal(&o.b);
}
