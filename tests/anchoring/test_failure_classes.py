"""The failure classes of issue 16, in several languages and scripts: the engine must follow the
passage itself, or say ambiguous/removed; never a neighbour that happens to share its words."""

import random

import pytest

from readerdesk.anchoring import describe, reanchor

# (language, paragraph before, the passage, paragraph after, an inserted sentence sharing the
# passage's first word, one sharing its last characters)
TEXTS = [
    ("en", "The council met on Tuesday evening to discuss the bridge.", "He said the repairs would start in March.",
     "Residents asked whether the footpath would stay open.", "He met the engineers first.",
     "The mayor added that work would start in March."),
    ("uk", "Рада зібралася у вівторок увечері, щоб обговорити міст.", "Він сказав, що ремонт почнеться в березні.",
     "Мешканці запитали, чи залишиться відкритим тротуар.", "Він зустрівся з інженерами.",
     "Мер додав, що роботи почнуться в березні."),
    ("ru", "Совет собрался во вторник вечером, чтобы обсудить мост.", "Он сказал, что ремонт начнётся в марте.",
     "Жители спросили, останется ли открытым тротуар.", "Он встретился с инженерами.",
     "Мэр добавил, что работы начнутся в марте."),
    ("zh", "市议会周二晚上开会讨论大桥问题。", "他说维修工程将在三月开始。", "居民询问人行道是否会继续开放。",
     "他们先见了工程师。", "市长补充说工程将在三月开始。"),
]


def sep(lang):
    return "" if lang == "zh" else " "


@pytest.mark.parametrize("lang, before, passage, after, starts_alike, ends_alike", TEXTS)
def test_an_insertion_right_before_the_passage_leaves_it_unchanged(lang, before, passage, after, starts_alike,
                                                                   ends_alike):
    old = f"{before}\n\nThe first sentence. {passage} The last sentence.\n\n{after}".replace(
        "The first sentence. ", "" if lang == "zh" else "The first sentence. ")
    new = old.replace(passage, starts_alike + sep(lang) + passage)
    s = old.index(passage)
    r = reanchor((s, s + len(passage)), old, new)
    assert (r.state, r.confidence) == ("unchanged", 1.0)
    assert new[r.start:r.end] == passage and r.start == new.index(passage)


@pytest.mark.parametrize("lang, before, passage, after, starts_alike, ends_alike", TEXTS)
def test_an_insertion_right_after_the_passage_leaves_it_unchanged(lang, before, passage, after, starts_alike,
                                                                  ends_alike):
    old = f"{before}\n\n{passage}\n\n{after}"
    new = old.replace(passage, passage + sep(lang) + ends_alike)
    s = old.index(passage)
    r = reanchor((s, s + len(passage)), old, new)
    assert (r.state, r.start, r.end) == ("unchanged", s, s + len(passage))


def test_a_number_grown_in_place_is_edited_not_unchanged():
    old = "About 12 people came to the meeting."
    r = reanchor((6, 8), old, old.replace("12", "112"))
    assert (r.state, r.start, r.end, r.after) == ("edited", 6, 9, "112")


@pytest.mark.parametrize("lang, before, passage, after, starts_alike, ends_alike", TEXTS)
def test_an_edited_original_is_followed_not_its_verbatim_copy_elsewhere(lang, before, passage, after, starts_alike,
                                                                         ends_alike):
    """The passage is corrected in place, the words around it change, and its old wording is quoted
    in another paragraph: follow the edited original, or say ambiguous (or removed: when in doubt, no
    span), never the copy."""
    old = f"{before}\n\n{starts_alike}{sep(lang)}{passage}{sep(lang)}{ends_alike}\n\n{after}"
    edited = passage.replace("March", "April").replace("березні", "квітні").replace("марте", "апреле").replace(
        "三月", "四月")
    new = (f"{before}\n\n{ends_alike}{sep(lang)}{edited}{sep(lang)}{starts_alike}\n\n"
           f"{after}{sep(lang)}{passage}")
    s = old.index(passage)
    r = reanchor(describe(old, s, s + len(passage)), old, new)
    assert r.state in ("edited", "ambiguous", "removed")
    if r.state == "edited":
        assert new[r.start:r.end] == edited


@pytest.mark.parametrize("lang, before, passage, after, starts_alike, ends_alike", TEXTS)
def test_a_deleted_passage_is_removed_though_a_verbatim_copy_remains_elsewhere(lang, before, passage, after,
                                                                               starts_alike, ends_alike):
    old = f"{before}{sep(lang)}{passage}\n\n{starts_alike}{sep(lang)}{passage}{sep(lang)}{ends_alike}\n\n{after}"
    s = old.index(passage, old.index("\n\n"))  # the one in the second paragraph
    new = old[:s] + old[s + len(passage):].lstrip(" ")
    r = reanchor((s, s + len(passage)), old, new)
    assert r.state == "removed" and r.start is None


def test_states_agree_with_spans_on_random_edits():
    """unchanged and moved: the new span holds the old text (unchanged with confidence 1); edited:
    it holds other text, given as ``after``; removed and ambiguous: no span."""
    rng = random.Random(16)
    words = ["the", "council", "bridge", "said", "March", "repair", "would", "start", "residents", "asked",
             "footpath", "open"]
    for _ in range(300):
        paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(6, 14))) + "." for _ in range(5)]
        old = "\n\n".join(paragraphs)
        edited = list(paragraphs)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(edited))
            action = rng.random()
            if action < 0.4:
                edited[i] = edited[i].replace(rng.choice(words), rng.choice(words), 1)
            elif action < 0.7:
                edited.insert(rng.randrange(len(edited) + 1), edited.pop(i))
            else:
                edited[i] = rng.choice(words).capitalize() + " " + edited[i]
        new = "\n\n".join(edited)
        s = rng.randrange(len(old) - 10)
        e = min(len(old), s + rng.randint(3, 40))
        r = reanchor((s, e), old, new)
        if r.state in ("unchanged", "moved"):
            assert new[r.start:r.end] == old[s:e]
        if r.state == "unchanged":
            assert r.confidence == 1.0
        if r.state == "edited":
            assert new[r.start:r.end] == r.after != r.before == old[s:e]
        if r.state in ("removed", "ambiguous"):
            assert r.start is None and r.end is None
