"""Name normalization across scripts: a raw name becomes comparable Latin tokens with tags.

The heavy lifting is done by libraries made for it: ``rigour`` (OpenSanctions' name toolkit:
legal-form rewriting, person prefixes, name-part tagging, cross-script given-name symbols
from Wikidata, nicknames, numerals) and ICU transliteration (through ``rigour.text``).
This module adds what a screening matcher needs on top:

- every token in lower-case ASCII (Hangul split by syllable and Han by character before
  transliteration, because in those scripts each syllable is a name part);
- the token's script of origin, so that a comparison knows when spelling drift is
  romanization noise rather than a typo;
- "LAST, First" turned into "First LAST" for persons (the OFAC and UN convention);
- digits inside words read as letters ("Ig0r" → "igor"), a common obfuscation;
- a loose consonant *skeleton* per token (vowels, h, y dropped; voiced and unvoiced pairs
  merged), which agrees across abjad and romanization variants ("mhmd" / "mohamed",
  "qaddafi" / "gaddafi", "gim" / "kim").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

import icu
from rigour.names import NameTypeTag, analyze_names
from rigour.text.phonetics import metaphone
from rigour.text.scripts import text_scripts
from rigour.text.translit import ascii_text


class EntityKind(StrEnum):
    """What a name belongs to; drives name analysis and the default thresholds."""

    person = "person"
    organization = "organization"
    vessel = "vessel"
    aircraft = "aircraft"
    unknown = "unknown"


#: FollowTheMoney schema names (the ``compare`` contract) and common words → kind.
SCHEMA_KINDS: dict[str, EntityKind] = {
    "person": EntityKind.person,
    "individual": EntityKind.person,
    "company": EntityKind.organization,
    "organization": EntityKind.organization,
    "organisation": EntityKind.organization,
    "entity": EntityKind.organization,
    "publicbody": EntityKind.organization,
    "legalentity": EntityKind.unknown,
    "thing": EntityKind.unknown,
    "vessel": EntityKind.vessel,
    "ship": EntityKind.vessel,
    "aircraft": EntityKind.aircraft,
    "airplane": EntityKind.aircraft,
    "unknown": EntityKind.unknown,
    "": EntityKind.unknown,
}

_TYPE_TAGS = {
    EntityKind.person: NameTypeTag.PER,
    EntityKind.organization: NameTypeTag.ORG,
    EntityKind.vessel: NameTypeTag.OBJ,
    EntityKind.aircraft: NameTypeTag.OBJ,
    EntityKind.unknown: NameTypeTag.ENT,
}

#: Person-name particles: connective words that carry little identity on their own.
#: "bin"/"ibn"/"ould" introduce a father's name, which makes their neighbours' order matter.
PATRONYMIC_PARTICLES = frozenset({"bin", "ben", "ibn", "bint", "binti", "ould", "walad"})
PARTICLES = PATRONYMIC_PARTICLES | frozenset(
    {
        "al", "el", "ul", "ud", "ur", "as", "ad", "ar", "az", "an", "at", "ash",
        "de", "da", "di", "do", "dos", "das", "del", "della", "der", "den", "des", "du",
        "van", "von", "la", "le", "lo", "y", "e", "af", "zu", "st",
    }
)  # fmt: skip

#: Scripts written without vowels (abjads): their romanizations differ mostly in vowels.
ABJAD_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana"})
#: Scripts where one character or syllable is one name part.
SYLLABIC_SCRIPTS = frozenset({"Han", "Hangul", "Hiragana", "Katakana"})

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
_INNER_DIGIT = re.compile(r"[a-z][0-9]+[a-z]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})
_PERSON_COMMA = re.compile(r"^\s*([^,]+?)\s*,\s*([^,]+?)\s*$")


@dataclass(slots=True)
class Token:
    """One comparable unit of a name."""

    text: str  # lower-case ASCII where the script allows, else the folded original
    part: int  # index of the rigour name part it came from
    stop: bool = False  # particle or stop word: weak evidence either way
    number: str | None = None  # numeric value ("viii" → "8", "2005")
    script: str = "Latin"  # script of the original characters
    phonetic: str = ""
    skeleton: str = ""
    symbols: frozenset[str] = frozenset()  # name/nickname/symbol ids from rigour's tagger


@dataclass(slots=True)
class PreparedName:
    """A name ready for comparison and indexing."""

    original: str
    kind: EntityKind
    tokens: list[Token]
    legal_forms: frozenset[str] = frozenset()  # canonical legal-form classes ("LLC", "JSC")
    #: Symbols that span several tokens (acronyms, multi-word names): id → token indexes.
    spans: dict[str, tuple[int, ...]] = field(default_factory=dict)
    scripts: frozenset[str] = frozenset()

    @property
    def texts(self) -> list[str]:
        return [t.text for t in self.tokens]

    @property
    def transliterated(self) -> bool:
        """Whether the name was written in a script other than Latin."""
        return any(s != "Latin" for s in self.scripts)

    def display(self) -> str:
        return " ".join(self.texts)


def kind_of(schema: str | None) -> EntityKind:
    """The kind for a schema or type word (FollowTheMoney names, list type words)."""
    key = (schema or "").strip().lower().replace(" ", "").replace("_", "")
    return SCHEMA_KINDS.get(key, EntityKind.unknown)


def uninvert_person(name: str) -> str:
    """'SALEK, Abdulhai' → 'Abdulhai SALEK': lists write persons family name first."""
    m = _PERSON_COMMA.match(name)
    if not m:
        return name
    last, first = m.group(1), m.group(2)
    # Suffixes after a comma ("John Smith, Jr.") are not a family-name inversion.
    if len(first) <= 3 and first.rstrip(".").lower() in {"jr", "sr", "ii", "iii", "iv"}:
        return name
    return f"{first} {last}"


@lru_cache(maxsize=200_000)
def phonetic_key(text: str) -> str:
    """Metaphone of an ASCII token ('' for others)."""
    if not text.isascii() or not text.isalpha():
        return ""
    return metaphone(text)


_DIGRAPHS = (
    ("sch", "s"),
    ("tch", "j"),
    ("kh", "k"),
    ("gh", "k"),
    ("ch", "j"),
    ("sh", "s"),
    ("zh", "j"),
    ("th", "t"),
    ("dh", "t"),
    ("ph", "f"),
    ("ts", "s"),
    ("tz", "s"),
    ("ck", "k"),
    ("dj", "j"),
    ("dzh", "j"),
)
_SKELETON_CLASSES = str.maketrans(
    {
        "b": "p",
        "d": "t",
        "g": "k",
        "q": "k",
        "c": "k",
        "x": "k",
        "v": "f",
        "w": "f",
        "z": "s",
        "j": "j",
    }
)
_VOWELS = re.compile(r"[aeiouyh']")


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """Consonant skeleton with voicing merged: agrees across romanizations of one name."""
    if not text.isascii():
        return text
    s = text
    for digraph, repl in _DIGRAPHS:
        s = s.replace(digraph, repl)
    s = _VOWELS.sub("", s).translate(_SKELETON_CLASSES)
    out: list[str] = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _script_of(text: str) -> str:
    scripts = text_scripts(text)
    if not scripts:
        return "Latin"
    if "Latin" in scripts and len(scripts) == 1:
        return "Latin"
    return (
        sorted(s for s in scripts if s != "Latin")[0] if len(scripts) > 1 else next(iter(scripts))
    )


#: Latin letters that Unicode decomposition does not reduce to ASCII.
_LATIN_EXTRA = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th",
     "ð": "d", "ħ": "h", "ŧ": "t", "ŋ": "ng", "ʼ": "", "ʻ": "", "ʿ": "", "ʾ": "", "’": "",
     "‘": "", "`": "", "´": ""}
)  # fmt: skip


def fold_latin(text: str) -> str:
    """Lower-case ASCII of Latin text: accents stripped by decomposition (fast), the few
    letters without a decomposition mapped, ICU only for what is left."""
    low = text.lower().translate(_LATIN_EXTRA)
    if low.isascii():
        return low
    decomposed = unicodedata.normalize("NFKD", low)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped if stripped.isascii() else ascii_text(stripped).lower()


@lru_cache(maxsize=64)
def _transliterator(script: str) -> Any:
    # Han names read better with ICU's name readings of surname characters.
    rule = "Han-Latin/Names" if script == "Han" else "Any-Latin"
    return icu.Transliterator.createInstance(f"{rule}; Latin-ASCII")


def _transliterate(text: str, script: str) -> str:
    """ICU romanization of one script's text (a cached transliterator per script: building
    the generic Any-Latin chain per call costs a millisecond)."""
    return str(_transliterator(script).transliterate(text))


@lru_cache(maxsize=200_000)
def _romanize(form: str) -> tuple[tuple[str, str], ...]:
    """A name part as (token, script) pairs: ASCII where ICU can romanize, else folded."""
    script = _script_of(form)
    if script == "Latin":
        # Apostrophes and primes sit inside words (Qa'ida, Zelens'kij): drop, not split.
        text = fold_latin(form).replace("'", "")
        return tuple((t, "Latin") for t in _NON_WORD.split(text) if t)
    if script in ("Hangul", "Han", "Hiragana", "Katakana"):
        # One token per syllable/character: the unit in which these names vary.
        pieces = [ch for ch in form if not ch.isspace() and ch.isalnum()]
    else:
        pieces = [form]
    out: list[tuple[str, str]] = []
    for piece in pieces:
        roman = "".join(
            ch for ch in _transliterate(piece, script).lower() if ch.isascii() and ch != "'"
        )
        words = [w for w in _NON_WORD.split(roman) if w]
        if not words:
            folded = unicodedata.normalize("NFKC", piece).casefold()
            out.extend((w, script) for w in _NON_WORD.split(folded) if w)
        else:
            # Han characters romanize to one syllable each; keep them as separate tokens.
            out.extend((w, script) for w in words)
    return tuple(out)


def _deleet(text: str) -> str:
    if text.isalpha() or text.isdigit() or not _INNER_DIGIT.search(text):
        return text
    return text.translate(_LEET)


def prepare_name(name: str, kind: EntityKind = EntityKind.unknown) -> PreparedName | None:
    """Analyse one name; None when nothing comparable is left (empty or punctuation)."""
    raw = unicodedata.normalize("NFC", name or "").strip()
    if not raw:
        return None
    if kind is EntityKind.person:
        raw = uninvert_person(raw)
    analysed = analyze_names(
        _TYPE_TAGS[kind],
        [raw],
        infer_initials=kind is EntityKind.person,
        consolidate=False,
        phonetics=False,
        # rigour's person-name tagger (given names across scripts from Wikidata) takes
        # seconds to load and tens of microseconds a name; persons are compared by
        # romanization, phonetics and skeletons instead. Organization names keep it:
        # legal forms, numerals and generic words come from it.
        symbols=kind is not EntityKind.person,
    )
    if not analysed:
        return None
    parsed = max(analysed, key=lambda n: len(n.parts))
    legal: set[str] = set()
    part_symbols: dict[int, set[str]] = {}
    multi_spans: dict[str, tuple[int, ...]] = {}
    for span in parsed.spans:
        category = span.symbol.category.value
        key = f"{category}:{span.symbol.id}"
        indexes = tuple(p.index for p in span.parts)
        if category == "ORGCLS":
            if not all(p.comparable in _ROMAN for p in span.parts):
                legal.add(span.symbol.id)
            continue
        if category in ("INITIAL", "PHONETIC"):
            continue
        if len(indexes) == 1:
            part_symbols.setdefault(indexes[0], set()).add(key)
        else:
            multi_spans[key] = indexes
    tokens: list[Token] = []
    part_tokens: dict[int, list[int]] = {}
    scripts: set[str] = set()
    for part in parsed.parts:
        tag = part.tag.value
        symbols = part_symbols.get(part.index, set())
        numeral = next((sym[4:] for sym in symbols if sym.startswith("NUM:")), None)
        # rigour reads a bare "II" after a company name as a legal-form abbreviation; a
        # roman numeral there is the name's number ("Fund II"), which tells entities apart.
        if tag == "LEGAL" and not (numeral and part.comparable in _ROMAN):
            legal.add(part.comparable.upper())
            continue
        number = numeral
        if number is None and (tag == "NUM" or part.numeric):
            number = str(part.integer) if part.integer is not None else part.comparable
        for text, script in _romanize(part.form):
            text = _deleet(text)
            scripts.add(script)
            # A single letter in a person's name is an initial, not the English "a".
            initial = kind is EntityKind.person and len(text) == 1
            # A syllable romanized from Han, Hangul or Kana is a name part however it is
            # spelt: 德 "de", 斌 "bin" and 安 "an" are not the particles "de", "bin", "al".
            stop = script not in SYLLABIC_SCRIPTS and (
                text in PARTICLES or (tag == "STOP" and not initial)
            )
            part_tokens.setdefault(part.index, []).append(len(tokens))
            tokens.append(
                Token(
                    text=text,
                    part=part.index,
                    stop=stop,
                    number=number,
                    script=script,
                    phonetic=phonetic_key(text),
                    skeleton=skeleton(text),
                    symbols=frozenset(s for s in symbols if not s.startswith("NUM:")),
                )
            )
    if not tokens:
        return None
    spans = {
        key: tuple(i for p in parts for i in part_tokens.get(p, ()))
        for key, parts in multi_spans.items()
    }
    return PreparedName(
        original=name,
        kind=kind,
        tokens=tokens,
        legal_forms=frozenset(legal),
        spans={k: v for k, v in spans.items() if v},
        scripts=frozenset(scripts),
    )
