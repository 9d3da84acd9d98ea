"""Actors and places in Chinese news text: a gazetteer plus linguistic rules.

How a text is read (each step only looks at characters no earlier step claimed):

1. Gazetteer: every alias of every lexicon entry (countries, X方 forms, places,
   organizations, people, titles) is looked up at every position of a folded copy of
   the text (simplified, lower-case: see :mod:`timeline.extract.aliases`).  Matches
   are taken longest first, so 马里兰 beats 马里, 外交部长 (a title) beats 外交部 and
   国务卿 beats 美国 in 美国务卿.  A word that takes an alias's last character gives
   it back when the shorter alias names the same entity (日本国内 → 日本 + 国内).
2. Bylines: the names after 记者/编译… are reporters, claimed and never reported.
3. People the lexicon lacks: "·" transliterations, title + name (外长阿拉格齐4日, the
   name ending at a verb, a time word or punctuation), name + （English Name）, and
   name + speech verb when the name occurs twice.  A name found once is then found
   everywhere in the text, as are the short forms (石破) of people named in full.
4. One-character country abbreviations, only in context: runs of two or more
   (伊美, 乌美俄), one before a title, body or context word (美总统, 俄外长), one after
   对/访/赴/驻 (访华).  Ambiguous characters and forms (巴, 阿方) go to the country
   the text names in full.
5. Bodies every state has (外交部, 国务院, 国会) take the country named right before
   them, else the last one named earlier in the sentence, else the one they had
   earlier in the text, else their default.
6. A new person takes the country of the title chain before the name (伊朗外长 → IRN,
   俄罗斯总统外交政策顾问 → RUS), else the title's own scope (国务卿 → USA).

Nothing here downloads anything or needs a model; the data is in timeline/lexicon/.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Sequence

from timeline.extract.aliases import fold
from timeline.lexicon.load import Entity, Lexicon, Title, load_lexicon

ACTOR_KINDS = frozenset({"person", "country", "organization", "group"})
PLACE_KINDS = frozenset({"place", "country"})
# When two aliases of the same length overlap, the earlier start wins; then this order.
KIND_PRIORITY = {"person": 0, "organization": 1, "group": 1, "title": 2, "byline": 2,
                 "country": 3, "place": 4}
SENTENCE_END = "。！？!?\n；;"
NUMERALS = "0123456789〇零一二三四五六七八九十百千万亿两几数"
NUMERAL_UNITS = "十百千万亿"
MAX_FOREIGN_NAME = 8
BYLINE_GAP = " :、"  # in the folded text: fullwidth colon and space are ASCII


@dataclass(frozen=True)
class EntityMention:
    """One mention of an entity: offsets are into the text as given to ``find``."""

    text: str
    start: int
    end: int
    kind: str  # person | country | organization | group | place
    key: str  # the entity's slug
    name: str
    name_en: str | None = None
    code: str | None = None  # ISO alpha-3 of a country
    country: str | None = None  # the state a person, body or place belongs to
    aliases: tuple[str, ...] = ()
    role: str | None = None  # the title right before a person (外长)
    is_new: bool = False  # found by a pattern, not in the lexicon

    @property
    def is_actor(self) -> bool:
        return self.kind in ACTOR_KINDS

    @property
    def is_place(self) -> bool:
        return self.kind in PLACE_KINDS

    def shifted(self, offset: int) -> "EntityMention":
        return replace(self, start=self.start + offset, end=self.end + offset)


@dataclass(frozen=True)
class _Entry:
    """What a folded alias stands for in the gazetteer."""

    kind: str  # an entity kind, or "title" / "byline"
    entity: Entity | None = None
    title: Title | None = None
    ambiguous: bool = False  # a form shared by several countries (阿方)
    short: bool = False  # counts only once its person was named in full


@dataclass
class _Span:
    """A claimed stretch of the folded text while the recognizer works."""

    start: int
    end: int
    kind: str
    entity: Entity | None = None
    title: Title | None = None
    candidates: tuple[Entity, ...] = ()  # for ambiguous abbreviations and forms
    name: str | None = None  # new persons
    name_en: str | None = None
    is_new: bool = False
    country: str | None = None


@dataclass
class _Doc:
    """One text being read: the folded copy and the spans claimed so far."""

    text: str
    folded: str
    spans: list[_Span] = field(default_factory=list)
    taken: bytearray = field(init=False)

    def __post_init__(self) -> None:
        self.taken = bytearray(len(self.folded))

    def free(self, start: int, end: int) -> bool:
        return 0 <= start and end <= len(self.folded) and not any(self.taken[start:end])

    def claim(self, span: _Span) -> _Span:
        self.taken[span.start:span.end] = b"\x01" * (span.end - span.start)
        self.spans.append(span)
        return span

    def ending_at(self, pos: int) -> _Span | None:
        for span in self.spans:
            if span.end == pos:
                return span
        return None

    def starting_at(self, pos: int) -> _Span | None:
        for span in self.spans:
            if span.start == pos:
                return span
        return None


class EntityRecognizer:
    """Built once from the lexicons; :meth:`find` is pure and thread-safe."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        pat = lexicon.patterns
        self.translit = frozenset(pat["translit_chars"])
        self.surnames = frozenset(pat["surnames"])
        self.compound_surnames = tuple(pat["compound_surnames"])
        self.stops = _prefix_set(pat["name_stops"])
        self.speech = tuple(pat["speech_verbs"])
        self.split_words = frozenset(pat["split_words"])
        self.blocked_before = frozenset(pat["abbr_blocked_before"])
        self.blocked_after = frozenset(pat["abbr_blocked_after"])
        self.followers = tuple(sorted(pat["abbr_followers"], key=len, reverse=True))
        self.preceders = frozenset(pat["abbr_preceders"])
        self.strong = frozenset(pat["abbr_strong"])
        self.preceder_only = pat["abbr_after_preceder_only"]
        self.plural_owners = tuple(pat["plural_owners"])
        self.summit_suffix = pat["summit_suffix"]
        self.latin_name = re.compile(r"\(\s*(" + pat["latin_name"] + r")\s*\)")
        self.overrides = {k: tuple(v) for k, v in pat["combo_overrides"].items()}
        self.countries = {c.code: c for c in lexicon.countries}
        self.by_key = lexicon.by_key()
        self.table: dict[str, list[_Entry]] = {}
        self._index_entities()
        self.lengths = _lengths_by_first_char(self.table)
        self.abbr = self._abbreviations()
        self.person_abbr = {fold(ch): self.by_key[slug]
                            for slug, chars in lexicon.person_abbr.items() for ch in chars}
        self.specific = {(e.base, e.country): e for e in lexicon.organizations if e.base}

    # -- building ------------------------------------------------------------------

    def _add(self, alias: str, entry: _Entry) -> None:
        key = fold(alias).strip()
        if len(key) < 2:
            return
        entries = self.table.setdefault(key, [])
        if not any(e.kind == entry.kind and e.entity is entry.entity and e.title is entry.title
                   for e in entries):
            entries.append(entry)

    def _index_entities(self) -> None:
        lex = self.lexicon
        for group in (lex.countries, lex.places, lex.organizations, lex.people):
            for entity in group:
                for alias in (entity.name, *entity.aliases):
                    self._add(alias, _Entry(entity.kind, entity))
                for alias in entity.short:
                    self._add(alias, _Entry(entity.kind, entity, short=True))
        for country in lex.countries:
            for form in country.forms:
                self._add(form, _Entry("country", country))
            for form in country.forms_ambiguous:
                self._add(form, _Entry("country", country, ambiguous=True))
        for title in lex.titles:
            self._add(title.title, _Entry(title.kind, title=title))

    def _abbreviations(self) -> dict[str, tuple[Entity | None, tuple[Entity, ...]]]:
        """Character → (its default holder or None, every holder)."""
        holders: dict[str, list[Entity]] = {}
        default: dict[str, Entity] = {}
        for c in self.lexicon.countries:
            if c.abbr:
                default[c.abbr] = c
                holders.setdefault(c.abbr, []).insert(0, c)
            if c.abbr_ambiguous:
                holders.setdefault(c.abbr_ambiguous, []).append(c)
        for slug, char in self.lexicon.org_abbr.items():
            default[char] = self.by_key[slug]
            holders.setdefault(char, []).insert(0, self.by_key[slug])
        return {ch: (default.get(ch), tuple(hs)) for ch, hs in holders.items()}

    # -- reading -------------------------------------------------------------------

    def find(self, text: str) -> list[EntityMention]:
        """Every actor and place mentioned in ``text``, in text order."""
        doc = _Doc(text, fold(text))
        self._gazetteer(doc)
        self._bylines(doc)
        self._summit_nicknames(doc)
        self._dotted_names(doc)
        self._titled_names(doc)
        self._bracketed_names(doc)
        self._speech_names(doc)
        self._propagate(doc)
        self._abbreviation_runs(doc)
        self._single_abbreviations(doc)
        self._resolve_ambiguous(doc)
        generic = self._resolve_generic(doc)
        return self._mentions(doc, generic)

    def find_in_parts(self, parts: Sequence[str]) -> list[list[EntityMention]]:
        """Mentions per part (sentence, clause) of one text, read as one text: a name
        found in one sentence is found in the next (propagation, short forms, 阿方, the
        country of 国务院).  Offsets are relative to each part."""
        joined = "\n".join(parts)  # no alias or name spans a line break
        bounds, pos = [], 0
        for part in parts:
            bounds.append((pos, pos + len(part)))
            pos += len(part) + 1
        out: list[list[EntityMention]] = [[] for _ in parts]
        index = 0
        for mention in self.find(joined):
            while mention.start >= bounds[index][1]:
                index += 1
            out[index].append(mention.shifted(-bounds[index][0]))
        return out

    def _candidates(self, folded: str) -> Iterable[tuple[int, int, list[_Entry]]]:
        table, lengths, n = self.table, self.lengths, len(folded)
        for i, ch in enumerate(folded):
            for length in lengths.get(ch, ()):
                if i + length <= n:
                    entries = table.get(folded[i:i + length])
                    if entries:
                        yield i, i + length, entries

    def _gazetteer(self, doc: _Doc) -> None:
        f = doc.folded
        found = []
        for start, end, entries in self._candidates(f):
            entries = [e for e in entries if not e.short]
            if not entries or not _bounded(f, start, end):
                continue
            if f[start] in NUMERAL_UNITS and start and f[start - 1] in NUMERALS:
                continue  # 5万斯… : a number, not 万斯
            entry = min(entries, key=lambda e: KIND_PRIORITY[e.kind])
            if entry.kind == "person" and "·" not in f[start:end] and (
                    f[start - 1:start] == "·" or f[end:end + 1] == "·"):
                continue  # one part of a longer dotted name: the dotted-name rule decides
            if f[end - 1:end + 1] in self.split_words and entry.entity is not None:
                shorter = self.table.get(f[start:end - 1], [])
                if any(e.entity is entry.entity for e in shorter):
                    end -= 1  # 日本国内 → 日本 + 国内
            found.append((start, end, entries, entry))
        found = self._titles_take_tails(f, found)
        found.sort(key=lambda c: (c[0] - c[1], c[0], KIND_PRIORITY[c[3].kind]))
        for start, end, entries, entry in found:
            if not doc.free(start, end):
                continue
            if entry.kind in ("title", "byline"):
                doc.claim(_Span(start, end, entry.kind, title=entry.title))
            elif entry.ambiguous:
                doc.claim(_Span(start, end, "country", candidates=tuple(
                    e.entity for e in entries if e.kind == "country")))
            else:
                doc.claim(_Span(start, end, entry.kind, entity=entry.entity))

    def _titles_take_tails(self, f: str, found: list) -> list:
        """中国外交部长: the title 外交部长 wins over the longer body 中国外交部, whose
        head (中国) stays when it is an alias itself."""
        titles = [c for c in found if c[3].kind in ("title", "byline")]
        out = []
        for cand in found:
            start, end, _, entry = cand
            cut = None
            if entry.kind not in ("title", "byline"):
                cut = min((t[0] for t in titles if start < t[0] < end < t[1]), default=None)
            if cut is None:
                out.append(cand)
                continue
            head = [e for e in self.table.get(f[start:cut], ()) if not e.short]
            if head:
                best = min(head, key=lambda e: KIND_PRIORITY[e.kind])
                out.append((start, cut, head, best))
        return out

    def _bylines(self, doc: _Doc) -> None:
        """Claim the reporters' names after 记者/编译 so no rule takes them for actors."""
        f = doc.folded
        for span in [s for s in doc.spans if s.kind == "byline"]:
            pos = span.end
            for _ in range(4):  # a byline names a few people at most
                while pos < len(f) and f[pos] in BYLINE_GAP:
                    pos += 1
                end = self._chinese_name_end(f, pos) or self._foreign_name_end(doc, pos)
                if not end or not doc.free(pos, end):
                    break
                doc.claim(_Span(pos, end, "reporter"))
                pos = end

    def _summit_nicknames(self, doc: _Doc) -> None:
        """特金会, 川习会: leaders' one-character forms joined before 会."""
        f = doc.folded
        for match in re.finditer(re.escape(self.summit_suffix), f):
            start = match.start()
            while start and f[start - 1] in self.person_abbr and doc.free(start - 1, start):
                start -= 1
            if match.start() - start >= 2:
                for i in range(start, match.start()):
                    doc.claim(_Span(i, i + 1, "person", entity=self.person_abbr[f[i]]))

    # -- people the lexicon lacks ------------------------------------------------------

    def _chinese_name_end(self, f: str, pos: int) -> int | None:
        """End of a Chinese personal name starting at ``pos`` (surname + 1–2 chars)."""
        if pos >= len(f):
            return None
        surname = next((c for c in self.compound_surnames if f.startswith(c, pos)), None)
        if surname is None and f[pos] not in self.surnames:
            return None
        if self._stop_at(f, pos):
            return None  # 马上, 高度: a word, not a surname
        first = pos + (len(surname) if surname else 1)
        if first >= len(f) or not _is_cjk(f[first]):
            return None
        end = first + 1  # the given name's first character, whatever it is (梁正这样)
        if end < len(f) and _is_cjk(f[end]) and not self._stop_at(f, end):
            end += 1
        return end

    def _foreign_name_end(self, doc: _Doc, pos: int) -> int | None:
        """End of a run of transliteration characters (and "·" parts) from ``pos``."""
        f, end = doc.folded, pos
        while end < len(f) and end - pos < MAX_FOREIGN_NAME + 6:
            ch = f[end]
            if ch == "·" and end > pos and end + 1 < len(f) and f[end + 1] in self.translit:
                end += 1
                continue
            if ch not in self.translit or doc.taken[end] or (end > pos and self._stop_at(f, end)):
                break
            end += 1
        return end if end - pos >= 2 else None

    def _ends_word(self, doc: _Doc, end: int) -> bool:
        """Whether a name may end here: text end, not Chinese, a stop word or a mention."""
        f = doc.folded
        return end >= len(f) or not _is_cjk(f[end]) or bool(doc.taken[end]) or self._stop_at(f, end)

    def _stop_at(self, f: str, pos: int) -> bool:
        return any(f.startswith(stop, pos) for stop in self.stops.get(f[pos], ()))

    def _new_person(self, doc: _Doc, start: int, end: int, name_en: str | None = None) -> _Span:
        name = doc.folded[start:end]
        known = self._known_person(name)
        if known is not None:
            return doc.claim(_Span(start, end, "person", entity=known))
        for span in doc.spans:  # 因凡蒂诺 after 詹尼·因凡蒂诺: the same new person
            if span.is_new and name in (span.name, span.name.rsplit("·", 1)[-1]):
                return doc.claim(replace(span, start=start, end=end))
        return doc.claim(_Span(start, end, "person", name=name, name_en=name_en, is_new=True))

    def _known_person(self, name: str) -> Entity | None:
        """The lexicon person a pattern-found name is: by full form, by the surname of a
        dotted name, or by a short form, which a title before it makes safe (总理卡尼).
        A relative sharing a surname (埃里克·特朗普) would be taken for the leader."""
        for candidate in (name, name.rsplit("·", 1)[-1]):
            for entry in self.table.get(candidate, ()):
                if entry.kind == "person":
                    return entry.entity
        return None

    def _dotted_names(self, doc: _Doc) -> None:
        f = doc.folded
        for match in re.finditer("·", f):
            dot = match.start()
            if doc.taken[dot]:
                continue
            start = dot
            while start and f[start - 1] in self.translit and not doc.taken[start - 1] \
                    and dot - start < MAX_FOREIGN_NAME:
                start -= 1
            end = self._foreign_name_end(doc, dot + 1) if dot + 1 < len(f) else None
            if start == dot or end is None:
                continue
            if f[start - 1:start] in "“\"《「" and f[end:end + 1] in "”\"》」" or f[end:end + 1] == "号":
                continue  # “亚伯拉罕·林肯”号: a ship or a work, not a person
            self._new_person(doc, start, end)

    def _titled_names(self, doc: _Doc) -> None:
        f = doc.folded
        for span in sorted((s for s in doc.spans if s.kind == "title"), key=lambda s: s.start):
            pos = span.end
            if pos >= len(f) or doc.taken[pos]:
                continue
            foreign = self._foreign_name_end(doc, pos)
            chinese = self._chinese_name_end(f, pos)
            if foreign and (foreign - pos > 3 or not chinese or f[pos] not in self.surnames):
                end = foreign
            elif chinese and doc.free(pos, chinese):
                end = chinese
            else:
                continue
            if end == chinese and not self._ends_word(doc, end):
                continue  # 主任蔡亮上… : no clear end, no name
            self._new_person(doc, pos, end)

    def _bracketed_names(self, doc: _Doc) -> None:
        """乌沙科夫（Yuri Ushakov）: the Chinese name right before an English one."""
        f = doc.folded
        for match in self.latin_name.finditer(doc.text.translate(_BRACKETS)):
            open_at = match.start()
            name_en = match.group(1)
            before = doc.ending_at(open_at)
            if before is not None:
                if before.kind == "person" and before.is_new and before.name_en is None:
                    before.name_en = name_en
                continue
            start = open_at
            while start and f[start - 1] in self.translit and not doc.taken[start - 1] \
                    and open_at - start < MAX_FOREIGN_NAME:
                start -= 1
            if open_at - start >= 2:
                self._new_person(doc, start, open_at, name_en)

    def _speech_names(self, doc: _Doc) -> None:
        """霍曼说 … 霍曼4日强调: a bare name before a speech verb, if it comes back."""
        f = doc.folded
        seen: dict[str, list[int]] = {}
        for verb in self.speech:
            for match in re.finditer(re.escape(verb), f):
                end = match.start()
                start = end
                while start and f[start - 1] in self.translit and not doc.taken[start - 1] \
                        and end - start < 5:
                    start -= 1
                if end - start >= 2 and (not start or not _is_cjk(f[start - 1])
                                         or doc.taken[start - 1]):
                    seen.setdefault(f[start:end], []).append(start)
        for name, starts in seen.items():
            if f.count(name) >= 2 and doc.free(starts[0], starts[0] + len(name)):
                self._new_person(doc, starts[0], starts[0] + len(name))

    def _propagate(self, doc: _Doc) -> None:
        """A person found once is the same person wherever the name recurs."""
        f = doc.folded
        forms: dict[str, _Span] = {}
        for span in [s for s in doc.spans if s.kind == "person"]:
            if span.is_new:
                forms.setdefault(span.name, span)
                last = span.name.rsplit("·", 1)[-1]
                if last != span.name and len(last) >= 2:
                    forms.setdefault(last, span)
            elif span.entity is not None:
                for short in span.entity.short:
                    forms.setdefault(fold(short), span)
        for form in sorted(forms, key=len, reverse=True):
            origin = forms[form]
            for match in re.finditer(re.escape(form), f):
                s, e = match.start(), match.end()
                if doc.free(s, e) and _bounded(f, s, e):
                    doc.claim(_Span(s, e, "person", entity=origin.entity, name=origin.name,
                                    name_en=origin.name_en, is_new=origin.is_new))

    # -- abbreviations ---------------------------------------------------------------

    def _abbreviation_runs(self, doc: _Doc) -> None:
        """伊美, 乌美俄, 中美: two or more abbreviations in a row."""
        f, i = doc.folded, 0
        while i < len(f):
            if f[i] not in self.abbr or doc.taken[i]:
                i += 1
                continue
            j = i
            while j < len(f) and f[j] in self.abbr and not doc.taken[j]:
                j += 1
            start, end = i, j
            if start and (f[start - 1:start + 1] in self.blocked_before or f[start - 1] in NUMERALS):
                start += 1  # 今日美… / 5日俄乌: the first character belongs to a date
            for k in range(start, end):
                if f[k:k + 2] in self.blocked_after:
                    end = k  # 中美日益: 日 starts 日益
                    break
            if end - start >= 2:
                run = f[start:end]
                codes = self.overrides.get(run)
                for k in range(start, end):
                    if codes:
                        entity = self.countries[codes[k - start]]
                        doc.claim(_Span(k, k + 1, "country", entity=entity))
                    else:
                        default, holders = self.abbr[f[k]]
                        doc.claim(_Span(k, k + 1, "abbr", entity=default, candidates=holders))
            i = j

    def _single_abbreviations(self, doc: _Doc) -> None:
        """美总统, 俄外长, 美国会, 美官员, 访华, 对伊制裁.  A weak character (中, 以, 英)
        counts before a title only when a person follows it (以总理内塔尼亚胡, never
        以总理身份)."""
        f = doc.folded
        for i, ch in enumerate(f):
            if ch in self.preceder_only and i and f[i - 1] in self.preceders and doc.free(i - 1, i + 1):
                doc.claim(_Span(i, i + 1, "country", entity=self.countries[self.preceder_only[ch]]))
                continue
            if ch not in self.abbr or doc.taken[i]:
                continue
            if f[i:i + 2] in self.blocked_after or f[i - 1:i + 1] in self.blocked_before \
                    or (i and f[i - 1] in NUMERALS):
                continue  # 6日谈判: a date, not Japan
            after = doc.starting_at(i + 1)
            ok = False
            if after is not None and after.kind in ("title", "organization"):
                ok = ch in self.strong or (after.kind == "title" and _person_follows(doc, after))
            elif any(f.startswith(w, i + 1) for w in self.followers):
                ok = ch in self.strong
            elif i and f[i - 1] in self.preceders and not doc.taken[i - 1]:
                ok = ch in self.strong  # 对伊制裁, 访美
            if ok:
                default, holders = self.abbr[ch]
                doc.claim(_Span(i, i + 1, "abbr", entity=default, candidates=holders))

    def _resolve_ambiguous(self, doc: _Doc) -> None:
        """巴 / 阿方 / 新: the holder the text names in full, else the default holder."""
        named = Counter(s.entity.key for s in doc.spans
                        if s.entity is not None and not s.candidates
                        and s.kind in ("country", "organization"))
        for span in list(doc.spans):
            if not span.candidates:
                continue
            mentioned = [c for c in span.candidates if named[c.key]]
            choice = max(mentioned, key=lambda c: (named[c.key], c is span.entity)) \
                if mentioned else span.entity
            if choice is None:
                doc.spans.remove(span)
                continue
            span.entity, span.candidates = choice, ()
            span.kind = choice.kind

    def _resolve_generic(self, doc: _Doc) -> dict[int, Entity]:
        """Country-less bodies (外交部, 国务院) → the body of the country the text means."""
        f = doc.folded
        resolved: dict[int, Entity] = {}
        memory: dict[str, str] = {}
        for span in sorted(doc.spans, key=lambda s: s.start):
            entity = span.entity
            if entity is None:
                continue
            if entity.base and entity.country:
                memory[fold(entity.base)] = entity.country
            if not entity.generic:
                continue
            if any(f.startswith(owner, span.start - len(owner)) for owner in self.plural_owners):
                continue  # 两国外交部: more than one state's body
            country = self._country_before(doc, span.start)
            if country is None:
                sentence_start = max(f.rfind(c, 0, span.start) for c in SENTENCE_END) + 1
                earlier = [s for s in doc.spans if sentence_start <= s.start < span.start
                           and s.entity is not None and not s.candidates
                           and (s.entity.kind == "country" or s.entity.base)]
                country = max(earlier, key=lambda s: s.start).entity.country if earlier else None
            country = country or memory.get(fold(entity.name)) or entity.default_country
            if country is None:
                continue
            memory[fold(entity.name)] = country
            resolved[span.start] = self.specific.get((entity.name, country)) or \
                self._synthetic_body(entity, country)
        return resolved

    def _synthetic_body(self, body: Entity, code: str) -> Entity:
        country = self.countries[code]
        return replace(body, key=f"{body.key}-{code.lower()}", name=country.name + body.name,
                       name_en=f"{country.name_en} {body.name_en}", country=code,
                       aliases=(body.name,), generic=False)

    def _country_before(self, doc: _Doc, pos: int) -> str | None:
        """The country named in the chain of mentions ending at ``pos``
        (伊朗|外长, 俄罗斯|总统|外交政策顾问, 美国|国务院|发言人)."""
        for _ in range(4):
            span = doc.ending_at(pos)
            if span is None:
                return None
            entity = span.entity
            if entity is not None and entity.kind == "country":
                return entity.code
            if entity is not None and entity.country and span.kind in ("organization", "group"):
                return entity.country
            if span.kind not in ("title", "organization"):
                return None
            pos = span.start
        return None

    # -- output ----------------------------------------------------------------------

    def _mentions(self, doc: _Doc, generic: dict[int, Entity]) -> list[EntityMention]:
        out = []
        for span in sorted(doc.spans, key=lambda s: s.start):
            if span.kind in ("title", "byline", "reporter"):
                continue
            text = doc.text[span.start:span.end]
            before = doc.ending_at(span.start)
            role = doc.folded[before.start:before.end] if before and before.kind == "title" else None
            if span.is_new:
                country = self._country_before(doc, span.start) or _title_scope(before)
                out.append(EntityMention(
                    text, span.start, span.end, "person", key=f"person-{span.name}",
                    name=span.name, name_en=span.name_en, country=country,
                    aliases=tuple({text} - {span.name}), role=role, is_new=True))
                continue
            entity = generic.get(span.start, span.entity)
            if entity is None:
                continue
            out.append(EntityMention(
                text, span.start, span.end, entity.kind, key=entity.key, name=entity.name,
                name_en=entity.name_en, code=entity.code, country=entity.country,
                aliases=entity.aliases, role=role if entity.kind == "person" else None))
        return out


# -- helpers -----------------------------------------------------------------------

_BRACKETS = str.maketrans("（）", "()")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _bounded(f: str, start: int, end: int) -> bool:
    """A Latin alias (un, g7, ice) must not sit inside a longer Latin word."""
    if f[start].isascii() and f[start].isalnum() and start and f[start - 1].isascii() \
            and f[start - 1].isalnum():
        return False
    if f[end - 1].isascii() and f[end - 1].isalnum() and end < len(f) and f[end].isascii() \
            and f[end].isalnum():
        return False
    return True


def _person_follows(doc: _Doc, title: _Span) -> bool:
    after = doc.starting_at(title.end)
    return after is not None and after.kind == "person"


def _title_scope(before: _Span | None) -> str | None:
    if before is not None and before.title is not None and len(before.title.countries) == 1:
        return before.title.countries[0]
    return None


def _prefix_set(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for word in words:
        out.setdefault(fold(word)[0], []).append(fold(word))
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def _lengths_by_first_char(table: dict[str, list[_Entry]]) -> dict[str, tuple[int, ...]]:
    out: dict[str, set[int]] = {}
    for alias in table:
        out.setdefault(alias[0], set()).add(len(alias))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


@lru_cache(maxsize=1)
def default_recognizer() -> EntityRecognizer:
    """The recognizer over the project's lexicons, built once per process."""
    return EntityRecognizer(load_lexicon())
