"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

tests/views/test_openapi.py checks it against the real routes (paths and methods, both ways) and
validates it with openapi-spec-validator, so it cannot drift from the code unnoticed.
"""

from __future__ import annotations

from readerdesk.models.publication import PUBLIC_NOTE_TYPES
from readerdesk.models.site import BODY, PART_NAMES
from readerdesk.services.corrections.capture import (
    MAX_COMMENT,
    MAX_EMAIL,
    MAX_NAME,
    MAX_QUOTE,
    MAX_SUGGESTION,
    STATUS_SENTENCES,
)


def _json(schema: str) -> dict:
    """A JSON body described by one of the document's own schemas."""
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _error(description: str) -> dict:
    return {"description": description, "content": _json("Error")}


# Every request passes the same guards first (readerdesk.views.guards): text no database can store
# (NUL, a lone surrogate) or JSON nested too deeply is refused with a 400 on any operation.
UNSTORABLE = "Text with NUL (U+0000) or an unpaired surrogate, or JSON nested more than 32 levels deep"


SELECTOR = {
    "oneOf": [
        {
            "type": "object",
            "title": "TextQuoteSelector",
            "required": ["type", "exact"],
            "properties": {
                "type": {"const": "TextQuoteSelector"},
                "exact": {"type": "string", "minLength": 1, "maxLength": MAX_QUOTE},
                "prefix": {"type": "string", "description": "At least 32 characters before the quote, when there are."},
                "suffix": {"type": "string", "description": "At least 32 characters after the quote, when there are."},
            },
        },
        {
            "type": "object",
            "title": "TextPositionSelector",
            "required": ["type", "start", "end"],
            "properties": {
                "type": {"const": "TextPositionSelector"},
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
            },
            "description": "Unicode code points in the canonical text of the article body. A hint only.",
        },
    ]
}

CORRECTION_REQUEST = {
    "type": "object",
    "required": ["idempotency_key", "article_url"],
    "properties": {
        "idempotency_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,100}$",
                            "description": "Made by the client once per report; "
                                           "the same key again returns the same correction."},
        "article_url": {"type": "string", "format": "uri", "description": "The article's canonical URL."},
        "page_url": {"type": "string", "format": "uri"},
        "kind": {"type": "string", "enum": ["typo", "factual", "unclear", "other", "general"], "default": "other",
                 "description": "`general` is the 'write to us' form: no selectors, a comment is required."},
        "selectors": {"type": "array", "maxItems": 10, "items": SELECTOR},
        "part": {"type": "string", "enum": list(PART_NAMES), "default": BODY,
                 "description": "The reportable part of the page the selectors measure (the site's parts)."},
        "clipped": {"type": "boolean", "default": False,
                    "description": "The reader's selection went on past the part; the report covers the part only."},
        "selected_text": {"type": "string", "maxLength": MAX_QUOTE,
                          "description": "A general message's context: text selected outside any reportable part."},
        "suggestion": {"type": "string", "maxLength": MAX_SUGGESTION},
        "comment": {"type": "string", "maxLength": MAX_COMMENT, "description": "At most 2 links."},
        "name": {"type": "string", "maxLength": MAX_NAME},
        "email": {"type": "string", "format": "email", "maxLength": MAX_EMAIL},
        "notify": {"type": "boolean", "description": "Tell the reader the outcome (needs email)."},
        "language": {"type": "string", "examples": ["en", "uk"]},
        "website": {"description": "Honeypot: leave it out, or send null or \"\". Any other value (text, "
                                   "whitespace, a number, a list, an object) counts as filled: the answer and the "
                                   "status link look like success, but nothing reaches the newsroom."},
    },
}

CORRECTION_CREATED = {
    "type": "object",
    "required": ["id", "status", "status_url", "anchored"],
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string"},
        "status_url": {"type": "string", "format": "uri"},
        "status_page": {"type": "string", "format": "uri", "description": "The same status as a page for the reader."},
        "anchored": {"type": "boolean", "description": "The quote was found in the article's current text."},
    },
}

CORRECTION_STATUS = {
    "type": "object",
    "required": ["id", "status", "status_text", "kind", "quote", "article", "received_at"],
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string", "enum": [status.value for status in STATUS_SENTENCES]},
        "status_text": {"type": "string", "description": "In the language the reader wrote in."},
        "language": {"type": "string", "examples": ["en", "uk"]},
        "kind": {"type": "string"},
        "quote": {"type": "string"},
        "article": {"type": "object", "properties": {"url": {"type": "string"}, "title": {"type": "string"}}},
        "received_at": {"type": "string", "format": "date-time"},
        "decided_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "readerdesk API",
            "version": "1.0.0",
            "description": (
                "Readers' corrections (public, no cookies, no authentication; CORS for each site's "
                "configured origins, CORS preflights answered with OPTIONS) and article pushes from a "
                "CMS (Bearer token). Errors are JSON objects with a readable `error` sentence."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/corrections": {
                "post": {
                    "operationId": "createCorrection",
                    "summary": "Report a correction or send a message about an article",
                    "requestBody": {"required": True, "content": _json("CorrectionRequest")},
                    "responses": {
                        "201": {"description": "Stored.", "headers": {"Location": {"schema": {"type": "string"}}},
                                "content": _json("CorrectionCreated")},
                        "200": {"description": "This idempotency key was seen before: the same correction.",
                                "content": _json("CorrectionCreated")},
                        "400": _error("Malformed JSON or field errors (`fields` maps each field to a sentence); "
                                      + UNSTORABLE[0].lower() + UNSTORABLE[1:] + "."),
                        "403": _error("The page's origin is not allowed for the article's site."),
                        "404": _error("Unknown article."),
                        "422": _error("This idempotency key was used for a report with a different body."),
                        "413": _error("The body is too large."),
                        "415": _error("Not JSON."),
                        "429": _error("Too many reports from this address."),
                    },
                }
            },
            "/corrections/{public_id}": {
                "get": {
                    "operationId": "getCorrectionStatus",
                    "summary": "The status of a report (no personal data)",
                    "parameters": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "The status.", "content": _json("CorrectionStatus")},
                        "400": _error(UNSTORABLE + "."),
                        "404": _error("No such report."),
                    },
                }
            },
            "/widget-config": {
                "get": {
                    "operationId": "getWidgetConfig",
                    "summary": "The widget's settings for a page",
                    "parameters": [{"name": "url", "in": "query", "required": True, "schema": {"type": "string"},
                                    "description": "The article URL."},
                                   {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"},
                                    "description": "The page's language, for the wording of a refusal and of "
                                                   "the privacy notice."}],
                    "responses": {
                        "200": {"description": "Settings.", "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "site": {"type": "string"},
                                "body_selector": {"type": "string"},
                                "exclude_selectors": {"type": "array", "items": {"type": "string"}},
                                "parts": {"type": "object", "additionalProperties": {"type": "string"},
                                          "description": "Reportable parts besides the body: name -> CSS selector."},
                                "language": {"type": "string"},
                                "article_known": {"type": "boolean"},
                                "privacy": {
                                    "type": "object",
                                    "description": "The notice the form shows: what is kept and for how long, "
                                                   "and the site's privacy policy.",
                                    "properties": {"notice": {"type": "string"}, "policy_url": {"type": "string"},
                                                   "policy_label": {"type": "string"}},
                                },
                            },
                        }}}},
                        "400": _error(UNSTORABLE + "."),
                        "403": _error("The page's origin is not allowed for the article's site."),
                        "404": _error("Unknown site."),
                    },
                }
            },
            "/notes": {
                "get": {
                    "operationId": "getArticleNotes",
                    "summary": "An article's published correction notes (public; any origin may read them)",
                    "parameters": [{"name": "url", "in": "query", "required": True, "schema": {"type": "string"},
                                    "description": "The article URL."}],
                    "responses": {
                        "200": {"description": "The notes, oldest first, a retraction before the others.",
                                "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "url": {"type": "string"},
                                "retracted": {"type": "boolean", "description": "The article is retracted."},
                                "policies": {"type": "object", "description": (
                                    "The site's standards links as schema.org properties (those set): "
                                    "publishingPrinciples, correctionsPolicy, actionableFeedbackPolicy."),
                                    "additionalProperties": {"type": "string", "format": "uri"}},
                                "notes": {"type": "array", "items": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "type": {"type": "string", "enum": [t.value for t in PUBLIC_NOTE_TYPES]},
                                        "label": {"type": "string"},
                                        "text": {"type": "string"},
                                        "published_at": {"type": "string", "format": "date-time"},
                                        "was_wrong": {"type": ["string", "null"], "description": (
                                            "For a correction or clarification: what the article said.")},
                                        "is_right": {"type": ["string", "null"]},
                                        "schema": {"type": "object", "description": (
                                            "The note as a schema.org CorrectionComment, for a publisher's own "
                                            "JSON-LD.")},
                                        "passage": {"type": ["object", "null"], "description": (
                                            "The corrected passage in the current revision: its part and W3C "
                                            "selectors in that part's canonical text; null when it cannot be "
                                            "located exactly."), "properties": {
                                            "part": {"type": "string", "enum": list(PART_NAMES)},
                                            "selectors": {"type": "array", "items": SELECTOR},
                                        }},
                                    },
                                }},
                            },
                        }}}},
                        "400": _error("No url, or not an http(s) address; or " + UNSTORABLE[0].lower()
                                      + UNSTORABLE[1:] + "."),
                    },
                }
            },
            "/polls/open": {
                "get": {
                    "operationId": "getOpenPoll",
                    "summary": "The site's open topic poll, for the support box (public; any origin may read it)",
                    "parameters": [{"name": "site", "in": "query", "required": False, "schema": {"type": "string"},
                                    "description": "The site's name; without it, the default site."}],
                    "responses": {
                        "200": {"description": "The poll closing soonest, or null.", "content": {
                            "application/json": {"schema": {"type": "object", "properties": {"poll": {
                                "type": ["object", "null"],
                                "properties": {
                                    "id": {"type": "integer"}, "question": {"type": "string"},
                                    "topics": {"type": "array", "items": {"type": "string"}},
                                    "closes_at": {"type": "string", "format": "date-time"},
                                    "max_choices": {"type": "integer"},
                                    "vote_url": {"type": "string"}, "become_patron_url": {"type": "string"},
                                },
                            }}}}}},
                        "404": _error("There is no such site."),
                    },
                }
            },
            "/sites/{site_name}/articles": {
                "put": {
                    "operationId": "pushArticle",
                    "summary": "A CMS pushes an article (creates it or adds a revision)",
                    "security": [{"bearer": []}],
                    "parameters": [{"name": "site_name", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["url", "title", "html"],
                        "properties": {
                            "url": {"type": "string"}, "title": {"type": "string"}, "html": {"type": "string"},
                            "modified": {"type": "string", "format": "date-time"},
                            "published": {"type": "string", "format": "date-time"},
                            "external_id": {"type": ["string", "integer"]},
                        },
                    }}}},
                    "responses": {
                        "201": {"description": "Article created."},
                        "200": {"description": "Article updated or unchanged."},
                        "400": _error("Invalid fields, a URL outside the site's base URL, or " + UNSTORABLE[0].lower()
                                      + UNSTORABLE[1:] + "."),
                        "401": _error("Missing or wrong token."),
                        "409": _error("The article (by external_id) moved to a URL another article has."),
                        "413": _error("The body is too large."),
                        "415": _error("Not JSON."),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                          "content": {"application/json": {"schema": {"type": "object"}}}},
                                  "400": _error(UNSTORABLE + ".")},
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "CorrectionRequest": CORRECTION_REQUEST,
                "CorrectionCreated": CORRECTION_CREATED,
                "CorrectionStatus": CORRECTION_STATUS,
                "Error": {
                    "type": "object",
                    "required": ["error", "status"],
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
            },
        },
    }
