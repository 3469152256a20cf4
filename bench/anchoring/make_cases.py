"""Generate the re-anchoring benchmark: bench/anchoring/cases.jsonl.

Deterministic (seeded). Each case is a selection in old_text plus the truth
in new_text, built by applying known edits while tracking the span:
    {"id", "old_text", "new_text", "start", "end",
     "truth": {"state", "start", "end", "accept"}, "scenario", "lang", "article"}
The evaluate command ignores every field but id/old_text/new_text/start/end.

Usage: .venv/bin/python bench/anchoring/make_cases.py [OUT.jsonl]
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20240607
CJK_DIGITS = "一二三四五六七八九十"

Span = tuple[int, int]


class Skip(Exception):
    """This (article, span, scenario) draw does not fit; draw again."""


# --- articles ---------------------------------------------------------------

#: The texts of the original scenarios and of the scaling runs (kept as they were, so that their
#: cases and figures stay comparable); the failure-class families also use the Russian text.
CORPUS = ["en_council", "en_storm", "uk_budget", "zh_transit"]
FAMILY_TEXTS = CORPUS + ["ru_theatre"]


def load_texts(names: list[str] = CORPUS) -> dict[str, str]:
    return {name: (HERE / "texts" / f"{name}.txt").read_text(encoding="utf-8").strip() for name in names}


def vary(text: str, k: int) -> str:
    """A look-alike copy: every digit (and CJK numeral) shifted by k."""
    text = re.sub(r"\d", lambda m: str((int(m.group()) + k) % 10), text)
    return "".join(CJK_DIGITS[(CJK_DIGITS.index(c) + k) % 10] if c in CJK_DIGITS else c for c in text)


def articles(texts: dict[str, str]) -> list[tuple[str, str, str, int]]:
    """(name, lang, text, cases per scenario). Long ones are live-blog style
    concatenations whose later updates are look-alikes of the earlier ones."""
    out = [(name, name[:2], text, 8) for name, text in texts.items()]
    for lang in ("en", "uk", "zh"):
        parts = [t for n, t in texts.items() if n.startswith(lang)]
        body = "\n\n".join(vary(t, k) for k in range(1, 4) for t in parts)
        out.append((f"{lang}_long", lang, body, 4))
    mix = "\n\n".join(vary(t, k) for k in range(1, 5) for t in texts.values())
    out.append(("mix_50k", "mixed", mix, 2))
    return out


# --- spans and edits --------------------------------------------------------

def paragraphs(text: str) -> list[Span]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def sentences(text: str, para: Span) -> list[Span]:
    a, b = para
    return [(a + m.start(), a + m.start() + len(m.group().rstrip()))
            for m in re.finditer(r"[^.!?。！？]+[.!?。！？]?[\"”」]?\s*", text[a:b]) if m.group().strip()]


def words(text: str, span: Span) -> list[Span]:
    a, b = span
    pat = r"[\u4e00-\u9fff]|\w+"
    return [(a + m.start(), a + m.end()) for m in re.finditer(pat, text[a:b])]


def apply_edits(text: str, span: Span, edits: list[tuple[int, int, str]]) -> tuple[str, Span]:
    """Apply non-overlapping edits, tracking the span. An edit must lie wholly
    before, after or inside the span (insertions at a boundary stay outside)."""
    s, e = span
    out, last, ns, ne = [], 0, s, e
    for a, b, repl in sorted(edits):
        if a < last:
            raise Skip("overlapping edits")
        inside = s <= a and b <= e and not (a == b and a in (s, e))
        if not (b <= s or a >= e or inside):
            raise Skip("edit straddles the span boundary")
        delta = len(repl) - (b - a)
        if b <= s and not inside:
            ns += delta
            ne += delta
        elif inside:
            ne += delta
        out.append(text[last:a])
        out.append(repl)
        last = b
    out.append(text[last:])
    return "".join(out), (ns, ne)


def para_of(text: str, span: Span) -> int:
    for i, (a, b) in enumerate(paragraphs(text)):
        if a <= span[0] and span[1] <= b:
            return i
    raise Skip("span crosses paragraphs")


def other_paras(rng, text: str, span: Span, n: int) -> list[Span]:
    paras = paragraphs(text)
    mine = para_of(text, span)
    others = [p for i, p in enumerate(paras) if i not in (mine, 0)]
    if len(others) < n:
        raise Skip("too few paragraphs")
    return rng.sample(others, n)


def pick_span(rng, text: str, lang: str) -> Span:
    paras = paragraphs(text)[1:]  # not the headline
    para = rng.choice(paras)
    sents = sentences(text, para)
    sent = rng.choice(sents)
    kind = rng.random()
    ws = words(text, sent)
    if kind < 0.5 or len(ws) < 6:
        return sent  # a whole sentence
    # A clause of a few words (short spans are the hard case).
    n = rng.randint(2, min(8, len(ws) - 1))
    i = rng.randint(0, len(ws) - n)
    return ws[i][0], ws[i + n - 1][1]


def interior_words(text: str, span: Span, pred) -> list[Span]:
    ws = words(text, span)
    return [w for w in ws[1:-1] if pred(text[w[0]:w[1]])]


# --- edit steps (each returns the new text and the tracked span) -------------

def change_token(rng, text, span, lang):
    """Change a number or a name strictly inside the span."""
    cands = interior_words(text, span, lambda w: w.isdigit() or w in CJK_DIGITS or w[:1].isupper())
    if not cands:
        raise Skip("nothing to change")
    a, b = rng.choice(cands)
    w = text[a:b]
    if w.isdigit():
        repl = str(int(w) + rng.randint(1, 9))
    elif w in CJK_DIGITS:
        repl = CJK_DIGITS[(CJK_DIGITS.index(w) + rng.randint(1, 9)) % 10]
    else:
        names = [text[x:y] for x, y in words(text, (0, len(text))) if text[x].isupper() and text[x:y] != w]
        repl = rng.choice(names)
    return apply_edits(text, span, [(a, b, repl)])


def inject_typo(rng, text, span, lang):
    cands = interior_words(text, span, lambda w: len(w) >= 5 or (lang == "zh" and len(w) == 1))
    if not cands:
        raise Skip("no word for a typo")
    a, b = rng.choice(cands)
    w = text[a:b]
    if len(w) == 1:
        typo = rng.choice("的了在是有和")
    else:
        i = rng.randint(1, len(w) - 3)
        typo = w[:i] + w[i + 1] + w[i] + w[i + 2:] if rng.random() < 0.6 else w[:i] + w[i + 1:]
    if typo == w:
        raise Skip("typo is a no-op")
    return apply_edits(text, span, [(a, b, typo)])


def edits_elsewhere(rng, text, span, lang, donor: str):
    p1, p2, p3 = other_paras(rng, text, span, 3)
    ws = words(text, p1)
    w = rng.choice(ws)
    extra = rng.choice(sentences(donor, rng.choice(paragraphs(donor)[1:])))
    d = rng.choice(sentences(text, p3))
    edits = [(w[0], w[1], "NEW" + text[w[0]:w[1]][::-1]),
             (p2[1], p2[1], " " + donor[extra[0]:extra[1]]),
             (d[0], d[1], "")]
    return apply_edits(text, span, edits)


def move_paragraph(rng, text, span, lang):
    paras = paragraphs(text)
    i = para_of(text, span)
    targets = [j for j in range(1, len(paras)) if j not in (i, i + 1)]
    if not targets:
        raise Skip("nowhere to move")
    j = rng.choice(targets)
    a, b = paras[i]
    block = text[a:b]
    rest = text[:a] + text[b:].removeprefix("\n\n") if b < len(text) else text[:a].removesuffix("\n\n")
    insert_at = paras[j][0] - ((b - a + 2) if paras[j][0] > a else 0)
    new = rest[:insert_at] + block + "\n\n" + rest[insert_at:]
    off = insert_at - a
    return new, (span[0] + off, span[1] + off)


def normalise_punctuation(rng, text, span, lang):
    edits, open_q = [], True
    for m in re.finditer(r'"|\'| - |--', text):
        tok = m.group()
        if tok == '"':
            repl = "“" if open_q else "”"
            open_q = not open_q
        elif tok == "'":
            repl = "’"
        elif tok == " - ":
            repl = " – "
        else:
            repl = "—"
        edits.append((m.start(), m.end(), repl))
    return apply_edits(text, span, edits)


def rewrite(rng, text, span, lang, donor: str):
    """Replace the span by a heavy rewrite: keep ~20% of its words."""
    ws = words(text, span)
    pool = [donor[a:b] for a, b in words(donor, (0, len(donor)))]
    sep = "" if lang == "zh" else " "
    new_words = [text[a:b] if rng.random() < 0.2 else rng.choice(pool) for a, b in ws]
    repl = sep.join(new_words) + (text[span[1] - 1] if not text[span[1] - 1].isalnum() else "")
    new = text[:span[0]] + repl + text[span[1]:]
    return new, (span[0], span[0] + len(repl))


def lookalike(rng, text, span, lang):
    """The span's sentence with 2-3 words (numbers, names, verbs) swapped."""
    ws = words(text, span)[1:]
    if len(ws) < 6:
        raise Skip("too short for a look-alike")
    pool = [text[a:b] for a, b in words(text, (0, len(text)))]
    picks = sorted(rng.sample(ws, rng.randint(2, 3)))
    out, last = [], span[0]
    for a, b in picks:
        out.append(text[last:a])
        out.append(rng.choice([p for p in pool if p != text[a:b]]))
        last = b
    out.append(text[last:span[1]])
    return "".join(out)


# --- scenarios --------------------------------------------------------------

# Each scenario edits the article around a picked span: (rng, text, span, lang, donor) ->
# (old_text, old_span, new_text, new_span, state), the state None when the texts decide it.

def _edits_elsewhere(rng, text, span, lang, donor):
    new, new_span = edits_elsewhere(rng, text, span, lang, donor)
    return text, span, new, new_span, None


def _typo_fixed(rng, text, span, lang, donor):
    old, old_span = inject_typo(rng, text, span, lang)
    return old, old_span, text, span, None


def _number_or_name_changed(rng, text, span, lang, donor):
    new, new_span = change_token(rng, text, span, lang)
    return text, span, new, new_span, None


def _hypothesis_trap(rng, text, span, lang, donor):
    new, new_span = change_token(rng, text, span, lang)
    (p0, _), = other_paras(rng, new, new_span, 1)
    copy = text[span[0]:span[1]] + ("" if lang == "zh" else " ")
    new, new_span = apply_edits(new, new_span, [(p0, p0, copy)])
    return text, span, new, new_span, None


def _paragraph_moved(rng, text, span, lang, donor):
    new, new_span = move_paragraph(rng, text, span, lang)
    return text, span, new, new_span, None


def _punctuation_normalised(rng, text, span, lang, donor):
    if not re.search(r'"|\'| - |--', text[span[0]:span[1]]) and rng.random() < 0.8:
        raise Skip("prefer spans with punctuation")
    new, new_span = normalise_punctuation(rng, text, span, lang)
    return text, span, new, new_span, None


def _heavy_rewrite(rng, text, span, lang, donor):
    new, new_span = rewrite(rng, text, span, lang, donor)
    return text, span, new, new_span, None


def _deleted(rng, text, span, lang, donor):
    para = paragraphs(text)[para_of(text, span)]
    sent = next((s for s in sentences(text, para) if s[0] <= span[0] and span[1] <= s[1]), None)
    if sent is None:
        raise Skip("span crosses sentences")
    return text, span, text[:sent[0]] + text[sent[1]:].lstrip(" "), span, "removed"


def _lookalike_deleted(rng, text, span, lang, donor):
    para = paragraphs(text)[para_of(text, span)]
    sent = next(s for s in sentences(text, para) if s[0] <= span[0] <= s[1])
    look = lookalike(rng, text, sent, lang)
    new = text[:sent[0]] + text[sent[1]:].lstrip(" ")
    (p0, _), = other_paras(rng, text, sent, 1)
    p0 = p0 if p0 < sent[0] else p0 - (len(text) - len(new))
    new = new[:p0] + look + ("" if lang == "zh" else " ") + new[p0:]
    return text, sent, new, sent, "removed"


def _combined(rng, text, span, lang, donor):
    # Typo in the old text, paragraph moved, a number changed, edits
    # elsewhere and punctuation normalised, all at once.
    old, old_span = text, span
    if rng.random() < 0.5:
        old, old_span = inject_typo(rng, text, span, lang)
    new, new_span = edits_elsewhere(rng, text, span, lang, donor)
    new, new_span = move_paragraph(rng, new, new_span, lang)
    if rng.random() < 0.5:
        new, new_span = change_token(rng, new, new_span, lang)
    new, new_span = normalise_punctuation(rng, new, new_span, lang)
    return old, old_span, new, new_span, None


SCENARIO_EDITS = {
    "edits_elsewhere": _edits_elsewhere,
    "typo_fixed": _typo_fixed,
    "number_or_name_changed": _number_or_name_changed,
    "hypothesis_trap": _hypothesis_trap,
    "paragraph_moved": _paragraph_moved,
    "punctuation_normalised": _punctuation_normalised,
    "heavy_rewrite": _heavy_rewrite,
    "deleted": _deleted,
    "lookalike_deleted": _lookalike_deleted,
    "combined": _combined,
}
SCENARIOS = list(SCENARIO_EDITS)


def make(rng, scenario, text, lang, donor):
    """Returns old_text, span, new_text, truth-span, truth-state."""
    if scenario not in SCENARIO_EDITS:
        raise ValueError(scenario)
    span = pick_span(rng, text, lang)
    old, old_span, new, new_span, state = SCENARIO_EDITS[scenario](rng, text, span, lang, donor)
    if state is None:
        state = "unchanged" if new[new_span[0]:new_span[1]] == old[old_span[0]:old_span[1]] else "edited"
    if old == new:
        raise Skip("no change")
    # Truths that depend on finding moved text must be unambiguous.
    quote = old[old_span[0]:old_span[1]]
    if scenario in ("paragraph_moved", "combined") and new.count(quote) > 1:
        raise Skip("moved passage occurs twice")
    if len(quote.strip()) < 2:
        raise Skip("tiny span")
    return old, old_span, new, (None, None) if state == "removed" else new_span, state


# --- failure-class families (issue 16): each is a class the engine used to get wrong --------------

def _sep(lang: str) -> str:
    return "" if lang == "zh" else " "


def _whole_sentence(rng, text: str) -> Span:
    para = rng.choice(paragraphs(text)[1:])
    sent = rng.choice(sentences(text, para))
    if len(text[sent[0]:sent[1]]) < 12:
        raise Skip("sentence too short")
    return sent


def insertion_at_boundary(rng, text, lang):
    """A sentence inserted right before (or after) the passage, beginning (or ending) with the
    passage's own first (or last) word: "He said." -> "He met them. He said." Truth: unchanged."""
    span = _whole_sentence(rng, text)
    quote = text[span[0]:span[1]]
    other = text[slice(*_whole_sentence(rng, text))]
    if other == quote:
        raise Skip("same sentence")
    sep = _sep(lang)
    if rng.random() < 0.5:
        first = quote[0] if lang == "zh" else quote.split(" ", 1)[0]
        head = other[0] if lang == "zh" else other.split(" ", 1)[0]
        new, new_span = apply_edits(text, span, [(span[0], span[0], first + other[len(head):] + sep)])
    else:
        last = quote[-2:] if lang == "zh" else quote.rsplit(" ", 1)[-1]
        tail = other[-2:] if lang == "zh" else other.rsplit(" ", 1)[-1]
        new, new_span = apply_edits(text, span, [(span[1], span[1], sep + other[:len(other) - len(tail)] + last)])
    return text, span, new, new_span


def copy_elsewhere_edited(rng, text, lang):
    """The passage is edited in place and the words around it change too, while a verbatim copy of
    its old wording appears in another paragraph. Truth: edited at the original (or ambiguous)."""
    span = pick_span(rng, text, lang)
    para = paragraphs(text)[para_of(text, span)]
    ws = words(text, para)
    before = [w for w in ws if w[1] <= span[0]]
    after = [w for w in ws if w[0] >= span[1]]
    if not before or not after:
        raise Skip("no words around the span")
    pool = [text[a:b] for a, b in words(text, (0, len(text)))]
    (b0, b1), (a0, a1) = before[-1], after[0]
    new, new_span = apply_edits(text, span, [(b0, b1, rng.choice([p for p in pool if p != text[b0:b1]])),
                                             (a0, a1, rng.choice([p for p in pool if p != text[a0:a1]]))])
    new, new_span = change_token(rng, new, new_span, lang)
    def doubled(s: str) -> int:
        return sum(a == b for a, b in zip(s, s[1:], strict=False))

    if lang == "zh" and doubled(new[new_span[0]:new_span[1]]) > doubled(text[span[0]:span[1]]):
        # "十二" -> "二二": which 二 is the new one has no answer, so the truth span would be arbitrary.
        raise Skip("the edit doubles a character, making the truth span arbitrary")
    (p0, _), = other_paras(rng, new, new_span, 1)
    new, new_span = apply_edits(new, new_span, [(p0, p0, text[span[0]:span[1]] + _sep(lang))])
    return text, span, new, new_span


def deleted_copy_remains(rng, text, lang):
    """A sentence that also stands, verbatim, in another paragraph is deleted from its own place;
    the copy (with other context) remains. Truth: removed."""
    sent = _whole_sentence(rng, text)
    quote = text[sent[0]:sent[1]]
    (p0, _), = other_paras(rng, text, sent, 1)
    edits = [(p0, p0, quote + _sep(lang))]
    following = [x for x in sentences(text, paragraphs(text)[para_of(text, sent)]) if x[0] >= sent[1]]
    if following and rng.random() < 0.5:
        # The next sentence ends like the passage ("... said the works start in March."): the diff
        # is tempted to slide the deleted passage onto its tail.
        a, b = following[0]
        nxt = text[a:b]
        n = 2 if lang == "zh" else len(quote.rsplit(" ", 1)[-1])
        m = 2 if lang == "zh" else len(nxt.rsplit(" ", 1)[-1])
        if len(nxt) > m + 4:
            edits.append((b - m, b, quote[-n:]))
    old, span = apply_edits(text, sent, edits)
    new = old[:span[0]] + old[span[1]:].lstrip(" ")
    return old, span, new, None


FAMILIES = {
    # scenario: (generator, truth state, accepted states)
    "insertion_at_boundary": (insertion_at_boundary, "unchanged", ["unchanged"]),
    "copy_elsewhere_edited": (copy_elsewhere_edited, "edited", ["edited", "ambiguous"]),
    "deleted_copy_remains": (deleted_copy_remains, "removed", ["removed"]),
}


def family_cases(per_article: int = 8):
    """The failure-class families, drawn with their own seed after the original scenarios (whose
    cases stay exactly as they were), on every text including the Russian one."""
    rng = random.Random(SEED + 16)
    for name, text in load_texts(FAMILY_TEXTS).items():
        lang = name[:2]
        for scenario, (generate, state, accept) in FAMILIES.items():
            made = tries = 0
            while made < per_article and tries < 500:
                tries += 1
                try:
                    old, (s, e), new, new_span = generate(rng, text, lang)
                except Skip:
                    continue
                if old == new or len(old[s:e].strip()) < 2:
                    continue
                if state == "unchanged" and new[new_span[0]:new_span[1]] != old[s:e]:
                    continue
                ts, te = new_span if new_span else (None, None)
                yield {"id": f"{name}-{scenario}-{made}", "old_text": old, "new_text": new, "start": s, "end": e,
                       "truth": {"state": state, "start": ts, "end": te, "accept": accept},
                       "scenario": scenario, "lang": lang, "article": name}
                made += 1
            if made < per_article:
                print(f"warning: only {made}/{per_article} cases for {name}/{scenario}", file=sys.stderr)


ALL_SCENARIOS = SCENARIOS + list(FAMILIES)


def main(out_path: str) -> None:
    rng = random.Random(SEED)
    texts = load_texts()
    arts = articles(texts)
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for name, lang, text, per in arts:
            donors = [t for nm, l2, t, _ in arts if nm != name and (l2 == lang or lang == "mixed")] or [text]
            for scenario in SCENARIOS:
                made = tries = 0
                while made < per and tries < 500:
                    tries += 1
                    try:
                        old, (s, e), new, (ts, te), state = make(rng, scenario, text, lang, rng.choice(donors))
                    except Skip:
                        continue
                    accept = ["edited", "removed"] if scenario == "heavy_rewrite" else [state]
                    case = {"id": f"{name}-{scenario}-{made}", "old_text": old, "new_text": new,
                            "start": s, "end": e,
                            "truth": {"state": state, "start": ts, "end": te, "accept": accept},
                            "scenario": scenario, "lang": lang, "article": name}
                    out.write(json.dumps(case, ensure_ascii=False) + "\n")
                    made += 1
                    n += 1
                if made < per:
                    print(f"warning: only {made}/{per} cases for {name}/{scenario}", file=sys.stderr)
        for case in family_cases():
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
            n += 1
    print(f"wrote {n} cases to {out_path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(HERE / "cases.jsonl"))
