"""The widget's words in each language, from the gettext catalogues: `make widget` runs this before
esbuild.

The widget's source marks its English words with ``_("...")`` (static/src/widget/strings.js), which
`make translations` extracts with the server's strings (readerdesk/translations/babel.cfg), so they are
translated in the same ``messages.po``. This writes, for every language but English, the translations
of those words only to ``static/i18n/readerdesk.<lang>.json`` ({"English": "translation"}); the widget
loads the one for its page's language. A third language is one more .po file and `make translations
widget`.

    python tools/widget_catalogues.py [--check]   (--check: exit 1 when a committed file is stale)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
WIDGET_SOURCE = ROOT / "static" / "src" / "widget"
TRANSLATIONS = ROOT / "readerdesk" / "translations"
OUT = ROOT / "static" / "i18n"
SOURCE_LANGUAGE = "en"


def widget_messages() -> set[str]:
    """The English words the widget's source marks with ``_()``."""
    return {message for _file, _line, message, _comments, _context
            in extract_from_dir(WIDGET_SOURCE, [("**.js", "javascript")], keywords={"_": None})
            if isinstance(message, str)}


def catalogues() -> dict[str, str]:
    """Each language's JSON file name and content: the widget's words it translates, sorted."""
    wanted = widget_messages()
    files = {}
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        language = po_path.parent.parent.name
        if language == SOURCE_LANGUAGE:
            continue
        with po_path.open("rb") as po:
            catalogue = read_po(po, locale=language)
        table = {m.id: m.string for m in catalogue if m.id in wanted and m.string and not m.fuzzy}
        files[f"readerdesk.{language}.json"] = json.dumps(table, ensure_ascii=False, sort_keys=True,
                                                          separators=(",", ":")) + "\n"
    return files


def main(argv: list[str]) -> int:
    files = catalogues()
    if "--check" in argv:
        stale = [name for name, text in files.items()
                 if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text]
        extra = sorted({p.name for p in OUT.glob("readerdesk.*.json")} - set(files))
        for name in stale + extra:
            print(f"static/i18n/{name} is stale: run `make widget`", file=sys.stderr)
        return 1 if stale or extra else 0
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("readerdesk.*.json"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
