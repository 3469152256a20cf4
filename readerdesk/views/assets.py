"""Static files, and brotli or gzip for the responses worth compressing.

Static files (``/static/<file>``):
- ``url_for('static', filename=...)`` adds ``?v=<content hash>``. A request with the file's current
  version is cached for a year, ``immutable``: a changed file gets a new URL.
- Without it (``readerdesk.js`` as publishers embed it: that URL must never change) the answer may be
  kept ``UNVERSIONED_MAX_AGE`` seconds, then is revalidated with its ETag (a 304 when unchanged).
- Each file is read, hashed and compressed once per change (size and mtime), and kept in memory.

Compression: JS, CSS, HTML, JSON, Atom and SVG bodies of at least ``MIN_COMPRESSED_BYTES``, in the
encoding the client's Accept-Encoding prefers: brotli (``br``, smaller) when it rates it at least as
high as gzip, else gzip; as sent otherwise. Pages that carry a CSRF token (the desk, forms) are sent uncompressed:
compressing a secret next to text an attacker can reflect into the page leaks it (BREACH).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass

import brotli
from flask import Flask, Response, abort, g, request
from werkzeug.security import safe_join

STATIC_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "static"))
COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "application/atom+xml", "image/svg+xml", "text/plain"}
MIN_COMPRESSED_BYTES = 1024
VERSIONED_MAX_AGE = 365 * 24 * 3600
UNVERSIONED_MAX_AGE = 300
CSRF_FIELD = "csrf_token"  # Flask-WTF keeps the request's token in g under this name
STATIC_BROTLI_QUALITY = 11  # once per file change: the smallest output is worth the time
DYNAMIC_BROTLI_QUALITY = 5  # per response: about gzip's speed, and still smaller
DYNAMIC_GZIP_LEVEL = 6
WIDGET_CATALOGUES = "i18n/"  # the widget's words in each language (tools/widget_catalogues.py): public


@dataclass(frozen=True)
class Asset:
    body: bytes
    encoded: dict[str, bytes]  # "br" and "gzip" bodies; empty when not worth compressing
    version: str  # a hash of the content
    mimetype: str


_assets: dict[str, tuple[tuple[int, int], Asset]] = {}


def load_asset(filename: str) -> Asset | None:
    """The static file, read and compressed once per change; None when there is no such file."""
    path = safe_join(STATIC_DIR, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _assets.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    with open(path, "rb") as f:
        body = f.read()
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    compress = mimetype in COMPRESSIBLE and len(body) >= MIN_COMPRESSED_BYTES
    encoded = {"br": brotli.compress(body, quality=STATIC_BROTLI_QUALITY),
               "gzip": gzip.compress(body, 9, mtime=0)} if compress else {}
    asset = Asset(body, encoded, hashlib.sha256(body).hexdigest()[:16], mimetype)
    _assets[path] = (key, asset)
    return asset


def chosen_encoding() -> str | None:
    """``br`` or ``gzip``, as the request's Accept-Encoding rates them (brotli on a tie), or None
    when it accepts neither."""
    accepted = request.accept_encodings
    brotli_q, gzip_q = accepted["br"], accepted["gzip"]
    if brotli_q > 0 and brotli_q >= gzip_q:
        return "br"
    return "gzip" if gzip_q > 0 else None


def encode(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=DYNAMIC_BROTLI_QUALITY)
    return gzip.compress(body, DYNAMIC_GZIP_LEVEL)


def serve_static(filename: str) -> Response:
    asset = load_asset(filename)
    if asset is None:
        abort(404)
    encoding = chosen_encoding() if asset.encoded else None
    response = Response(asset.encoded[encoding] if encoding else asset.body, mimetype=asset.mimetype)
    response.set_etag(asset.version + (f"-{encoding}" if encoding else ""))
    if asset.encoded:
        response.vary.add("Accept-Encoding")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.cache_control.public = True
    if request.args.get("v") == asset.version:
        response.cache_control.max_age = VERSIONED_MAX_AGE
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = UNVERSIONED_MAX_AGE
    if filename.startswith(WIDGET_CATALOGUES):  # the widget fetches its words from publishers' pages
        response.headers["Access-Control-Allow-Origin"] = "*"
    response.make_conditional(request)  # a 304 when the client's ETag matches
    return response


def compress(response: Response) -> Response:
    """Compress a finished response when it is worth it and safe (see the module docstring)."""
    if (response.direct_passthrough or response.is_streamed or "Content-Encoding" in response.headers
            or response.status_code in (204, 304) or response.status_code < 200
            or response.mimetype not in COMPRESSIBLE or CSRF_FIELD in g):
        return response
    encoding = chosen_encoding()
    if encoding is None:
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESSED_BYTES:
        return response
    response.set_data(encode(body, encoding))
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response


def version_static_urls(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "v" not in values:
        asset = load_asset(values.get("filename", ""))
        if asset is not None:
            values["v"] = asset.version


def register_assets(app: Flask) -> None:
    """The app is created with ``static_folder=None``: this serves /static instead."""
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=serve_static)
    app.url_defaults(version_static_urls)
    app.after_request(compress)
