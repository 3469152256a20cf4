"""The widget: its source keeps the server's text rules, the committed scripts are the build of that
source, and the built widget fits its budget (at most 8 KB gzipped, CSS inside, no dependencies)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
TEXT_RULES = STATIC / "src" / "widget" / "text-rules.js"
BUILT = ["readerdesk.js", "readerdesk-support.js", "readerdesk-notes.js"]  # what build-widget.mjs writes into static/
BUDGET = 8 * 1024


SUPPORT_BUDGET = 2 * 1024  # the support box, with its optional topic poll


def test_support_box_gzipped_size_within_budget():
    size = len(gzip.compress((STATIC / "readerdesk-support.js").read_bytes(), compresslevel=9))
    assert size <= SUPPORT_BUDGET, f"readerdesk-support.js is {size} bytes gzipped, over {SUPPORT_BUDGET}"


def test_widget_gzipped_size_within_budget():
    size = len(gzip.compress((STATIC / "readerdesk.js").read_bytes(), compresslevel=9))
    assert size <= BUDGET, f"the built readerdesk.js is {size} bytes gzipped, over the {BUDGET}-byte budget"


def test_built_widget_has_no_dependencies():
    built = (STATIC / "readerdesk.js").read_text(encoding="utf-8")
    assert not re.search(r"\b(import|require)\s*\(", built)
    assert "<style" in built and "attachShadow" in built  # its CSS ships inside, for its Shadow DOM


def test_committed_build_is_a_fresh_build_of_the_source(tmp_path):
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are not installed, so the widget cannot be rebuilt to compare")
    assert (ROOT / "node_modules" / "esbuild").is_dir(), "esbuild is not installed: run `make widget` (npm ci)"
    subprocess.run([node, "build-widget.mjs", "--outdir", str(tmp_path)], cwd=ROOT, check=True)
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), (
            f"static/{name} is not the build of static/src: run `make widget` and commit the result"
        )


def test_committed_widget_catalogues_are_built_from_the_po_files():
    """static/i18n/readerdesk.<lang>.json hold the catalogues' translations of the widget's words."""
    from tools import widget_catalogues

    assert widget_catalogues.main(["--check"]) == 0, "run `make widget` and commit static/i18n"
    ukrainian = json.loads((STATIC / "i18n" / "readerdesk.uk.json").read_text(encoding="utf-8"))
    assert ukrainian["Suggest a correction"] == "Запропонувати виправлення"
    assert set(ukrainian) == widget_catalogues.widget_messages(), "a word of the widget is not translated"


def test_a_third_language_is_one_more_po_file(tmp_path, monkeypatch):
    from tools import widget_catalogues

    translations = tmp_path / "translations"
    for language in ("en", "uk"):
        shutil.copytree(widget_catalogues.TRANSLATIONS / language, translations / language)
    polish = (widget_catalogues.TRANSLATIONS / "uk" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    polish = polish.replace('msgid "Send"\nmsgstr "Надіслати"', 'msgid "Send"\nmsgstr "Wyślij"')
    (translations / "pl" / "LC_MESSAGES").mkdir(parents=True)
    (translations / "pl" / "LC_MESSAGES" / "messages.po").write_text(polish.replace("Language: uk", "Language: pl"),
                                                                      encoding="utf-8")
    monkeypatch.setattr(widget_catalogues, "TRANSLATIONS", translations)
    files = widget_catalogues.catalogues()
    assert sorted(files) == ["readerdesk.pl.json", "readerdesk.uk.json"]
    assert json.loads(files["readerdesk.pl.json"])["Send"] == "Wyślij"


def _regex_source(name: str) -> str:
    """The body of ``export const NAME = /.../`` in the widget's text rules."""
    match = re.search(rf"^export const {name} = /(.+)/;$", TEXT_RULES.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{name} is not declared as a regular expression literal in {TEXT_RULES.name}"
    return match.group(1)


def _js_escaped(characters: str) -> str:
    """Python character-class text as the widget spells it: \\t \\n \\v \\f \\r and \\uXXXX; space and "-" as is."""
    short = {"\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r"}
    return "".join(c if c in " -" else "\\" + short.get(c, f"u{ord(c):04x}") for c in characters)


def test_widget_text_rules_match_the_server():
    """The invisible and whitespace classes in the widget are readerdesk.text.canonical's, character for character."""
    from readerdesk.text.canonical import INVISIBLE, WHITESPACE

    assert _regex_source("INVISIBLE") == f"[{_js_escaped(INVISIBLE)}]"
    assert _regex_source("WHITESPACE") == f"[{_js_escaped(WHITESPACE)}]"


def test_widget_block_and_removed_tags_match_the_server():
    """Blocks are the server's BLOCK_TAGS that survive sanitizing; skipped tags are REMOVED_WITH_CONTENT."""
    from readerdesk.text.canonical import ALLOWED_TAGS, BLOCK_TAGS, REMOVED_WITH_CONTENT

    def tags(name: str) -> set[str]:
        alternatives = re.fullmatch(r"\^\(([^)]+)\)\$", _regex_source(name)).group(1).split("|")
        return {t for a in alternatives for t in ([f"h{i}" for i in range(1, 7)] if a == "h[1-6]" else [a])}

    assert tags("BLOCK_TAGS") == BLOCK_TAGS & ALLOWED_TAGS
    assert tags("REMOVED_WITH_CONTENT") == REMOVED_WITH_CONTENT
