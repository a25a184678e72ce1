"""Short Quran quotations the three-word index cannot find alone, found by their context (a step of
`quotations.mark`, after `QuranIndex.find`):

- a fragment that goes on quoting the verses just quoted, after words that are not theirs
  (`﴿لولا كتاب من الله سبق لمسكم فيما أخذتم﴾ : أي من الأسارى والمغانم ﴿عذاب عظيم﴾`): a run of
  MIN_WORDS words or more agreeing with the Quran's words after the last ones quoted, up to the
  end of the CONTEXT_VERSES after their verse (in the same sura). Only forwards: a commentary
  repeats words already quoted (`﴿وأنتم تسمعون﴾: أي لا تخالفوا أمره وأنتم تسمعون`);
- a fragment written between quotation marks (`«حتى إذا فشلتم»: أي تخاذلتم «وتنازعتم في
  الأمر»`), the whole of what they enclose, of a verse near one the line quotes (CONTEXT_VERSES
  away at most, before or after it, in the same sura), or, with none, in one place only and of
  ALONE_MIN_WORDS words or more (`«لا يضره»`, what a divining arrow said, is no quotation);
- a fragment right after an announcement (`يقول الله جل ثناؤه: وإن تنتهوا`), of a verse near
  one the line quotes (`وتلا عليهم القرآن` is a narration).

Each must agree word for word and have a word the Quran uses fewer than RARE_BELOW times (`رسول
الله` and `في سبيل الله` are the narration's own words as often as a quotation).
"""

from __future__ import annotations

import numpy as np

from hijra_audio.text.quran import RARE_BELOW, Match

MIN_WORDS = 2
CONTEXT_VERSES = 2
ENCLOSED_MAX_WORDS = 12     # quotation marks around more words than this hold a saying, not a fragment
ALONE_MIN_WORDS = 3         # words a fragment needs without a quotation of its sura before it
NEAR_MIN_WORDS = 3          # words a fragment of a verse near one the line quotes needs, wherever it stands


def add(index, ids: list[int], found: list[Match], enclosed: dict[int, int], introduced: set[int],
        context: tuple[tuple[int, int], ...] = (), anchors: dict | None = None) -> list[Match]:
    """`found` (the index's matches in narration word ids `ids`), with the fragments their context
    shows (see the module's docstring), in order. `enclosed`: the first word of each run of words
    between quotation marks -> one past its last; `introduced`: where an announcement lets a
    quotation start (`quran.introductions`); `context`: the Quran spans the lines just before
    quote (a commentary goes on from one paragraph to the next); `anchors`: where a verse
    reference is written -> the verses it names (a fragment right before one is of those verses,
    or none)."""
    taken = np.zeros(len(ids) + 1, dtype=bool)
    for m in found:
        taken[m.start:m.end] = True
    out = list(found)
    near = found + [Match(0, 0, start, end, 0, 0) for start, end in context]
    for start, end in sorted(enclosed.items()):
        if MIN_WORDS <= end - start <= ENCLOSED_MAX_WORDS and not taken[start:end].any():
            _add(out, taken, _placed(index, ids, start, end, near, alone=True))
    for start in sorted(introduced):
        end = start
        while end < len(ids) and not taken[end] and end - start < ENCLOSED_MAX_WORDS \
                and _places(index, ids[start:end + 1]):
            end += 1
        if end - start >= MIN_WORDS:
            _add(out, taken, _placed(index, ids, start, end, near, alone=False))
    out = _around(index, ids, _continued(index, ids, sorted(out, key=lambda m: m.start)), context)
    return [_named(index, ids, m, anchors or {}) if m not in found else m for m in out
            if m in found or _named(index, ids, m, anchors or {}) is not None]


def _named(index, ids: list[int], m: Match, anchors: dict) -> Match | None:
    """A fragment written right before a verse reference: in a verse it names (placed there when
    its words stand there too), or none."""
    named = anchors.get(m.end)
    if not named or named & set(index.verses_of(m.qstart, m.qend)):
        return m
    places = [g for g in _places(index, ids[m.start:m.end]) if index.verses[index.verse_of[g]] in named]
    return Match(m.start, m.end, places[0], places[0] + m.end - m.start, m.matched, 0) if places else None


def _around(index, ids: list[int], found: list[Match], context: tuple[tuple[int, int], ...]) -> list[Match]:
    """Runs of NEAR_MIN_WORDS words or more, anywhere in the line, that agree with a verse near one
    the line (or `context`) quotes (CONTEXT_VERSES away at most, in the same sura), with a rare
    word: the fragment a commentary explains before it quotes the verse in full, or the next's."""
    spans = sorted({(_context_start(index, index.verse_of[start]), _context_end(index, index.verse_of[end - 1]))
                    for start, end in [(m.qstart, m.qend) for m in found] + list(context)})
    if not spans:
        return found
    taken = [False] * (len(ids) + 1)
    for m in found:
        taken[m.start:m.end] = [True] * (m.end - m.start)
    free = list(range(len(ids) + 1))      # free[i]: where the words not yet quoted from i end (i: taken)
    for i in range(len(ids) - 1, -1, -1):
        if not taken[i]:
            free[i] = free[i + 1]
    out = list(found)
    i = 0
    while i < len(ids):
        best = (0, 0)
        if free[i] > i:
            stop = free[i]
            for lo, hi in spans:
                best = max(best, _longest_run(index, ids, i, stop, lo, hi))
        run, at = best
        if run >= NEAR_MIN_WORDS and _rare(index, ids[i:i + run]):
            out.append(Match(i, i + run, at, at + run, run, 0))
            i += run
        else:
            i += 1
    return sorted(out, key=lambda m: m.start)


def _context_start(index, first: int) -> int:
    """The first word of the CONTEXT_VERSES before verse `first` (within its sura)."""
    sura, start = index.verses[first][0], first
    while start > 0 and start > first - CONTEXT_VERSES and index.verses[start - 1][0] == sura:
        start -= 1
    return index.verse_start[start]


def _add(out: list[Match], taken: np.ndarray, match: Match | None) -> None:
    if match is not None:
        out.append(match)
        taken[match.start:match.end] = True


def _placed(index, ids: list[int], start: int, end: int, found: list[Match], alone: bool) -> Match | None:
    """The words start..end-1 as a fragment: where they stand word for word, with a rare word;
    in the place nearest a quotation of the line from the same sura (CONTEXT_VERSES at most
    away), or (`alone`), with none, in the one place they stand when they are ALONE_MIN_WORDS."""
    run = ids[start:end]
    if end - start < MIN_WORDS or end > len(ids) or min(run) < 0 or not _rare(index, run):
        return None
    places = _places(index, run)
    quoted = [index.verse_of[v] for m in found for v in (m.qstart, m.qend - 1)]

    def distance(g: int) -> int:
        verse = index.verse_of[g]
        return min((abs(verse - q) for q in quoted if index.verses[q][0] == index.verses[verse][0]), default=10 ** 6)

    near = [g for g in places if distance(g) <= CONTEXT_VERSES]
    if near:
        places = [min(near, key=distance)]
    elif not alone or len(run) < ALONE_MIN_WORDS or len(places) != 1:
        return None
    return Match(start, end, places[0], places[0] + len(run), len(run), 0)


def _places(index, run: list[int]) -> list[int]:
    """Where the Quran has `run` (word ids) word for word."""
    words = np.frombuffer(index.ids, dtype=np.intc)
    if not run or min(run) < 0 or len(run) > words.size:
        return []
    at = np.flatnonzero(words[:words.size - len(run) + 1] == run[0])
    for k, word in enumerate(run[1:], start=1):
        at = at[words[at + k] == word]
    return at.tolist()


def _rare(index, run: list[int]) -> bool:
    return any(index.frequency[w] < RARE_BELOW for w in run)


def _continued(index, ids: list[int], found: list[Match]) -> list[Match]:
    out: list[Match] = []
    for k, m in enumerate(found):
        stop = found[k + 1].start if k + 1 < len(found) else len(ids)
        i, qend = m.end, m.qend
        while i < stop:
            run, at = _longest_run(index, ids, i, stop, qend, _context_end(index, index.verse_of[qend - 1]))
            if run >= MIN_WORDS and _rare(index, ids[i:i + run]):
                out.append(Match(i, i + run, at, at + run, run, 0))
                i, qend = i + run, at + run
            else:
                i += 1
    return sorted(found + out, key=lambda m: m.start)


def _context_end(index, last: int) -> int:
    """One past the last word of the CONTEXT_VERSES after verse `last` (within its sura)."""
    sura, end = index.verses[last][0], last
    while end + 1 < len(index.verses) and end < last + CONTEXT_VERSES and index.verses[end + 1][0] == sura:
        end += 1
    return index.verse_start[end + 1] if end + 1 < len(index.verse_start) else len(index.ids)


def _longest_run(index, ids: list[int], i: int, stop: int, lo: int, hi: int) -> tuple[int, int]:
    """The longest run of `ids` from `i` (before `stop`) equal to Quran words within [lo, hi)."""
    best, at = 0, lo
    if ids[i] < 0:
        return 0, lo
    q = index.ids
    for g in (lo + np.flatnonzero(np.frombuffer(q, dtype=np.intc)[lo:hi] == ids[i])).tolist():
        n = 0
        while i + n < stop and g + n < hi and ids[i + n] >= 0 and ids[i + n] == q[g + n]:
            n += 1
        if n > best:
            best, at = n, g
    return best, at
