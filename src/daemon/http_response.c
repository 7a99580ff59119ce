/*
 * daemon/http_response.c - what handlers fill responses with: bytes, text,
 * RFC 7807 problems, extra headers.
 */
#include "http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void capsa_http_respond(capsa_http_response *resp, int status, const char *content_type, const void *body,
                        size_t len)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	resp->status = status;
	snprintf(resp->content_type, sizeof(resp->content_type), "%s", content_type ? content_type : "");
	if (len == 0)
		return;
	resp->body = malloc(len);
	if (!resp->body) {
		resp->status = 500;
		resp->content_type[0] = '\0';
		return;
	}
	memcpy(resp->body, body, len);
	resp->body_len = len;
}

void capsa_http_respond_text(capsa_http_response *resp, int status, const char *content_type, const char *text)
{
	capsa_http_respond(resp, status, content_type, text, text ? strlen(text) : 0);
}

void capsa_http_problem(capsa_http_response *resp, int status, const char *type, const char *title,
                        const char *detail)
{
	json_t *o = json_pack("{s:s, s:s, s:i}", "type", type ? type : "about:blank", "title", title ? title : "",
	                      "status", status);
	if (o && detail)
		json_object_set_new(o, "detail", json_string(detail));
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text) {
		capsa_http_respond(resp, 500, NULL, NULL, 0);
		return;
	}
	capsa_http_respond(resp, status, "application/problem+json", text, strlen(text));
	free(text);
}

static bool header_safe(const char *s, size_t cap)
{
	size_t n = strlen(s);
	return n > 0 && n < cap && !strpbrk(s, "\r\n");
}

bool capsa_http_add_header(capsa_http_response *resp, const char *name, const char *value)
{
	if (resp->num_headers >= CAPSA_HTTP_MAX_EXTRA_HEADERS || !name || !value)
		return false;
	capsa_http_header *h = &resp->headers[resp->num_headers];
	if (!header_safe(name, sizeof(h->name)) || strchr(name, ':') ||
	    (*value && !header_safe(value, sizeof(h->value))))
		return false;
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->value, sizeof(h->value), "%s", value);
	resp->num_headers++;
	return true;
}

void capsa_http_respond_stream(capsa_http_response *resp, int status, const char *content_type,
                               capsa_http_producer produce, void *arg)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	resp->status = status;
	snprintf(resp->content_type, sizeof resp->content_type, "%s", content_type);
	resp->produce = produce;
	resp->produce_arg = arg;
}
