"""Training data for the name score, generated from watch-list files only.

No evaluation set is read here. Pairs come from the lists themselves:

- **true variants**: the names one entry is listed under (primary name, aliases, name in
  original script), where the two names share at least some spelling or a name symbol (a
  translated alias such as "National Bank of Cuba" / "Banco Nacional de Cuba" teaches
  nothing about spelling); and names damaged the way names are damaged in trade data:
  typos, dropped or added middle names, reordering, "LAST, First", initials, joined and
  split words, romanization drift, legal forms spelt out or dropped, titles, digits for
  letters;
- **different entities**: names of two different entries of the same list that share words
  or spelling (relatives, companies of one group, namesakes with another given name), and
  names with one significant word replaced by another real name word from the lists, or a
  number changed.

The generator is seeded: the same lists and seed give the same pairs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from trustlane.screening.align import compare_text
from trustlane.screening.features import KIND_GROUPS
from trustlane.screening.normalize import (
    PARTICLES,
    PATRONYMIC_PARTICLES,
    EntityKind,
    fold_latin,
    phonetic_key,
    prepare_name,
    skeleton,
)
from trustlane.screening.records import EntryRecord, NameQuality


@dataclass(frozen=True)
class TrainingPair:
    group: str  # person | organization | object
    kind: EntityKind
    a: str
    b: str
    match: bool
    origin: str  # which generator made it


_KEYBOARD = dict(zip(
        "qwertyuiopasdfghjklzxcvbnm",
        [
            "wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol",
            "qsz", "awdx", "sefc", "drgv", "fthb", "gyjn", "hukm", "jil", "kop",
            "asx", "zsdc", "xdfv", "cfgb", "vghn", "bhjm", "njk",
        ],
        strict=True,
    ))  # fmt: skip

#: Romanization drift seen between transliterations of one name.
_ROMAN_SWAPS = [
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("kh", "h"), ("kh", "k"), ("j", "dj"), ("j", "zh"),
    ("y", "i"), ("ph", "f"), ("c", "k"), ("ks", "x"), ("w", "v"), ("sh", "ch"), ("q", "k"),
    ("ai", "ay"), ("ei", "ey"), ("ie", "iye"), ("o", "u"), ("e", "a"), ("a", "e"), ("i", "e"),
    ("dh", "d"), ("th", "t"), ("gh", "g"), ("tch", "ch"), ("ij", "y"), ("iy", "i"), ("ss", "s"),
    ("mm", "m"), ("ll", "l"), ("ya", "ia"), ("yu", "iu"), ("ts", "tz"), ("v", "ff"),
]  # fmt: skip
_TITLES = ["Mr", "Dr", "Sheikh", "Haji", "General", "Mrs", "Prof", "Mullah", "Colonel"]
_LEGAL = ["LLC", "Ltd", "Limited", "Co., Ltd.", "Inc.", "Corporation", "JSC", "OOO", "GmbH",
          "S.A.", "PJSC", "LLP", "Company Limited", "Sdn Bhd", "FZE", "Pvt Ltd", "AG"]  # fmt: skip
_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "l": "1"}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    op = rng.choice(["sub", "del", "ins", "swap", "double", "key"])
    c = word[i]
    if op == "sub":
        letter = rng.choice("aeioubcdfghklmnrstvz")
        return word[:i] + (letter.upper() if c.isupper() else letter) + word[i + 1 :]
    if op == "del":
        return word[:i] + word[i + 1 :]
    if op == "ins":
        return word[:i] + rng.choice("aeiounrst") + word[i:]
    if op == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "double":
        return word[:i] + c + word[i:]
    near = _KEYBOARD.get(c.lower())
    if near:
        letter = rng.choice(near)
        return word[:i] + (letter.upper() if c.isupper() else letter) + word[i + 1 :]
    return word


def _romanize_drift(word: str, rng: random.Random) -> str:
    low = word.lower()
    options = [(a, b) for a, b in _ROMAN_SWAPS if a in low] + [
        (b, a) for a, b in _ROMAN_SWAPS if b in low
    ]
    if not options:
        return word
    a, b = rng.choice(options)
    out = low.replace(a, b, 1)
    return out.upper() if word.isupper() else out.capitalize() if word[:1].isupper() else out


def _significant(words: list[str]) -> list[int]:
    return [i for i, w in enumerate(words) if w.lower().strip(".,'") not in PARTICLES]


def perturb(name: str, kind: EntityKind, rng: random.Random) -> tuple[str, str] | None:
    """A damaged variant of ``name`` that still names the same entity, and how."""
    words = name.split()
    sig = _significant(words)
    if not sig:
        return None
    person = kind is EntityKind.person
    ops = ["typo", "typo", "typo2", "roman", "roman", "case", "join", "split", "deleet"]
    if len(sig) >= 3:
        ops += ["drop_middle", "drop_middle"]
    if len(words) >= 2:
        ops += ["reorder"]
    if person:
        ops += ["initial", "title", "comma", "hyphen"]
    else:
        ops += ["legal", "legal", "legal_drop", "the"]
    op = rng.choice(ops)
    w = list(words)
    if op in ("typo", "typo2"):
        targets = [i for i in sig if len(w[i]) >= 4] or sig
        i = rng.choice(targets)
        w[i] = _typo(w[i], rng)
        if op == "typo2":
            j = rng.choice(targets)
            w[j] = _typo(w[j], rng)
    elif op == "roman":
        for i in rng.sample(sig, k=min(len(sig), rng.choice([1, 1, 2]))):
            w[i] = _romanize_drift(w[i], rng)
    elif op == "case":
        w = [x.lower() if rng.random() < 0.5 else x.title() for x in w]
        w[rng.choice(sig)] = _typo(w[rng.choice(sig)], rng)
    elif op == "join" and len(w) >= 2:
        i = rng.randrange(len(w) - 1)
        w[i : i + 2] = [w[i] + w[i + 1]]
    elif op == "split":
        i = rng.choice(sig)
        if len(w[i]) >= 7:
            cut = rng.randrange(3, len(w[i]) - 2)
            w[i : i + 1] = [w[i][:cut], w[i][cut:]]
        else:
            w[i] = _typo(w[i], rng)
    elif op == "deleet":
        i = rng.choice(sig)
        w[i] = "".join(_LEET.get(c.lower(), c) if rng.random() < 0.3 else c for c in w[i])
    elif op == "drop_middle":
        middle = [i for i in sig if 0 < i < len(w) - 1] or sig[1:]
        del w[rng.choice(middle)]
    elif op == "reorder":
        if person and len(sig) >= 2:
            w = [w[-1], *w[:-1]]
        else:
            rng.shuffle(w)
    elif op == "initial":
        i = rng.choice(sig[:-1] or sig)
        w[i] = w[i][0] + "."
    elif op == "title":
        w.insert(0, rng.choice(_TITLES))
    elif op == "comma":
        w = [w[-1] + ",", *w[:-1]]
    elif op == "hyphen" and len(w) >= 2:
        i = rng.randrange(len(w) - 1)
        w[i : i + 2] = [w[i] + "-" + w[i + 1]]
    elif op == "legal":
        w.append(rng.choice(_LEGAL))
    elif op == "legal_drop":
        for form in _LEGAL:
            if name.upper().endswith(" " + form.upper()):
                w = name[: -len(form)].strip().rstrip(",").split()
                break
        else:
            w.append(rng.choice(_LEGAL))
    elif op == "the":
        w.insert(0, "The")
    out = " ".join(x for x in w if x)
    if not out or out == name:
        return None
    return out, op


def _tokens(name: str, kind: EntityKind) -> list[str]:
    prepared = prepare_name(name, kind)
    return [t.text for t in prepared.tokens if not t.stop] if prepared else []


def _related(a: str, b: str, kind: EntityKind) -> bool:
    """Two names of one entry that share spelling (not a translation or a new identity)."""
    ta, tb = _tokens(a, kind), _tokens(b, kind)
    if not ta or not tb:
        return False
    return any(compare_text(x, y).sim >= 0.8 for x in ta for y in tb)


def _is_variant(a: str, b: str) -> bool:
    """Whether two words are plausibly one name spelt two ways (then replacing one by the
    other does not make another name)."""
    if Levenshtein.distance(a, b) <= 1:
        return True
    pa, pb = phonetic_key(a), phonetic_key(b)
    return bool(pa and pa == pb) or skeleton(a) == skeleton(b)


def replace_word(
    name: str, kind: EntityKind, vocabulary: list[str], rng: random.Random
) -> str | None:
    """``name`` with one significant word replaced by a different real name word from the
    lists. Mostly a look-alike (Medvedev / Mendeleev, Luxon / Luxford: the namesakes that
    screening must tell apart), never a spelling variant of the same word."""
    words = name.split()
    sig = [i for i in _significant(words) if len(words[i]) >= 3]
    if len(sig) < 2 and kind is EntityKind.person:
        return None
    if not sig:
        return None
    i = rng.choice(sig)
    old = fold_latin(words[i]).strip(".,'\"()-")
    if not old.isalpha():
        return None
    new: str | None = None
    if rng.random() < 0.7:
        alike = [
            cand
            for cand, score, _ in process.extract(
                old, vocabulary, scorer=Levenshtein.normalized_similarity, limit=25,
                score_cutoff=0.45,
            )
            if score < 0.95 and not _is_variant(old, cand)
        ]  # fmt: skip
        if alike:
            new = rng.choice(alike)
    if new is None:
        new = rng.choice(vocabulary)
        if _is_variant(old, new):
            return None
    words[i] = new.upper() if words[i].isupper() else new.capitalize()
    return " ".join(words)


def swap_patronymic(name: str) -> str | None:
    """'Abdullah bin Omar al-X' → 'Omar bin Abdullah al-X': the son named after the father
    is another person."""
    words = name.split()
    for i, w in enumerate(words[1:-1], start=1):
        if w.lower() in PATRONYMIC_PARTICLES:
            words[i - 1], words[i + 1] = words[i + 1], words[i - 1]
            return " ".join(words)
    return None


def generate_pairs(
    records: Iterable[EntryRecord], *, seed: int = 13, per_group: int = 12_000
) -> list[TrainingPair]:
    """Balanced match / non-match name pairs for each kind group, from list entries."""
    rng = random.Random(seed)
    by_group: dict[str, list[EntryRecord]] = defaultdict(list)
    for record in records:
        names = [n for n in record.names if n.name.strip()]
        if names:
            by_group[KIND_GROUPS[record.kind]].append(record)
    pairs: list[TrainingPair] = []
    for group, entries in sorted(by_group.items()):
        entries.sort(key=lambda r: r.key)
        vocabulary = sorted(
            {
                t
                for r in entries
                for n in r.names[:3]
                for t in _tokens(n.name, r.kind)
                if t.isalpha() and len(t) >= 3
            }
        )
        positives = _positives(entries, rng, per_group // 2)
        negatives = _negatives(entries, vocabulary, rng, per_group // 2)
        n = min(len(positives), len(negatives))
        rng.shuffle(positives)
        rng.shuffle(negatives)
        for kind, a, b, origin in positives[:n]:
            pairs.append(TrainingPair(group, kind, a, b, True, origin))
        for kind, a, b, origin in negatives[:n]:
            pairs.append(TrainingPair(group, kind, a, b, False, origin))
    return pairs


def _usable(record: EntryRecord) -> list[str]:
    return [
        n.name
        for n in record.names
        if n.quality is not NameQuality.weak and 2 <= len(n.name) <= 120
    ]


def _positives(
    entries: list[EntryRecord], rng: random.Random, target: int
) -> list[tuple[EntityKind, str, str, str]]:
    out: list[tuple[EntityKind, str, str, str]] = []
    alias_pairs: list[tuple[EntityKind, str, str, str]] = []
    for record in entries:
        names = _usable(record)
        for other in names[1:]:
            original = any(
                n.name == other and n.quality is NameQuality.original_script for n in record.names
            )
            # A one-word alias of a person (a kunya, a nickname) is weak evidence on its own.
            if record.kind is EntityKind.person and len(_tokens(other, record.kind)) < 2:
                continue
            if original or _related(names[0], other, record.kind):
                alias_pairs.append((record.kind, other, names[0], "alias"))
    rng.shuffle(alias_pairs)
    out.extend(alias_pairs[: target // 3])
    # The same name written differently only in form (case, "LAST, First", punctuation),
    # one-word names included: an exact name must score high however short it is.
    for _ in range(target // 12):
        record = rng.choice(entries)
        names = _usable(record)
        if names:
            name = rng.choice(names)
            variant = name.lower() if rng.random() < 0.5 else name.title().replace(",", "")
            if rng.random() < 0.3 and len(variant) >= 5:
                variant = _typo(variant, rng)
            out.append((record.kind, variant, name, "form"))
    attempts = 0
    while len(out) < target and attempts < target * 5:
        attempts += 1
        record = rng.choice(entries)
        names = _usable(record)
        if not names:
            continue
        name = rng.choice(names)
        damaged = perturb(name, record.kind, rng)
        if damaged is None:
            continue
        if rng.random() < 0.3:
            twice = perturb(damaged[0], record.kind, rng)
            if twice is not None:
                damaged = (twice[0], f"{damaged[1]}+{twice[1]}")
        out.append((record.kind, damaged[0], name, damaged[1]))
    return out


def _indistinguishable(a: str, b: str, kind: EntityKind) -> bool:
    """Two names of different entries that no name matcher could tell apart (namesakes with
    the same words): useless, misleading, as training negatives."""
    ta, tb = _tokens(a, kind), _tokens(b, kind)
    if not ta or not tb:
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return all(any(compare_text(x, y).sim >= 0.85 for y in long_) for x in short)


def _negatives(
    entries: list[EntryRecord], vocabulary: list[str], rng: random.Random, target: int
) -> list[tuple[EntityKind, str, str, str]]:
    """Non-matching pairs in four kinds, each a way screening goes wrong:

    - ``other_entry``: two entries sharing a word (relatives, one group's companies);
    - ``other_entry_fuzzy``: two entries whose words are only alike ("Medvedev" /
      "Mendeleev" in different names);
    - ``short_listed``: a longer name against a one-word listed name that resembles one of
      its words (a one-word alias must not catch every name containing it);
    - ``replaced_word`` and ``patronymic_swap``: one listed name changed into another's.
    """
    out: list[tuple[EntityKind, str, str, str]] = []
    by_token: dict[str, list[int]] = defaultdict(list)
    single: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, record in enumerate(entries):
        for name in _usable(record)[:4]:
            for t in sorted(set(_tokens(name, record.kind))):
                by_token[t].append(i)
        for n in record.names:
            toks = _tokens(n.name, record.kind)
            if len(toks) == 1 and len(toks[0]) >= 4:
                single[toks[0]].append((i, n.name))
    shared = [ids for ids in by_token.values() if 2 <= len(set(ids)) <= 60]
    single_tokens = sorted(single)
    seen: set[tuple[str, str]] = set()

    def add(a: EntryRecord, na: str, nb: str, origin: str) -> None:
        if (na, nb) in seen or _indistinguishable(na, nb, a.kind):
            return
        seen.add((na, nb))
        out.append((a.kind, na, nb, origin))

    def similar_words(word: str) -> list[str]:
        return [
            cand
            for cand, score, _ in process.extract(
                word, vocabulary, scorer=Levenshtein.normalized_similarity, limit=12,
                score_cutoff=0.6,
            )
            if cand != word
        ]  # fmt: skip

    quotas = [("other_entry", 0.3), ("other_entry_fuzzy", 0.2), ("short_listed", 0.1)]
    for origin, share in quotas:
        goal = len(out) + int(target * share)
        attempts = 0
        while len(out) < goal and attempts < target * 10:
            attempts += 1
            if origin == "other_entry" and shared:
                ids = sorted(set(rng.choice(shared)))
                i, j = rng.sample(ids, 2)
                a, b = entries[i], entries[j]
                add(a, rng.choice(_usable(a)), rng.choice(_usable(b)), origin)
                continue
            a = rng.choice(entries)
            names = _usable(a)
            if not names:
                continue
            na = rng.choice(names)
            words = [w for w in _tokens(na, a.kind) if len(w) >= 4 and w.isalpha()]
            if not words:
                continue
            word = rng.choice(words)
            if origin == "other_entry_fuzzy":
                others = [
                    j
                    for w in similar_words(word)
                    for j in by_token.get(w, ())
                    if entries[j] is not a
                ]
                if others:
                    b = entries[rng.choice(others)]
                    add(a, na, rng.choice(_usable(b) or [b.primary_name]), origin)
            elif len(words) >= 2 or len(_tokens(na, a.kind)) >= 2:
                near = [w for w in [word, *similar_words(word)] if w in single]
                if near:
                    j, nb = rng.choice(single[rng.choice(near)])
                    if entries[j] is not a:
                        add(a, na, nb, origin)
    del single_tokens
    attempts = 0
    patronymic = [
        name
        for r in entries
        if r.kind is EntityKind.person
        for name in _usable(r)
        if swap_patronymic(name) is not None
    ]
    while len(out) < target and attempts < target * 10:
        attempts += 1
        if patronymic and rng.random() < 0.15:
            name = rng.choice(patronymic)
            changed, origin = swap_patronymic(name), "patronymic_swap"
            kind = EntityKind.person
        else:
            record = rng.choice(entries)
            names = _usable(record)
            if not names:
                continue
            name, kind = rng.choice(names), record.kind
            changed = replace_word(name, kind, vocabulary, rng)
            origin = "replaced_word"
        if changed is None:
            continue
        if rng.random() < 0.3:
            damaged = perturb(changed, kind, rng)
            if damaged is not None and damaged[1] not in ("drop_middle", "reorder"):
                changed = damaged[0]
                origin += "+" + damaged[1]
        out.append((kind, changed, name, origin))
    return out
