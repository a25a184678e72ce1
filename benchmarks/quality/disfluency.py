"""Does cleaning drop content? Words the disfluency rules delete, on three kinds of text:

1. Ibn Hisham's Sira as written (../shared/data/sira/ibnhisham-full.txt): the target is none.
2. The same prose with its punctuation (and verse references, headings' marks) taken away, as a
   recognizer would give it: every deletion is listed with its context, to be judged by reading
   (the Hijra chapters in full; the whole book as counts and the most frequent words).
Cleaning runs as `build` runs it (Quran quotations found first: they are never edited).
3. Speech: the bundled lecture (real transcribed speech, with its lexicon), and a test set made
   from the unpunctuated Hijra chapters with disfluencies put in at random (seeded): stutters of
   a word said two or three times, restarts of a phrase, fillers, broken-off letters and
   self-repairs of the lecture's kind. Reported: immediate repeats before -> after (words said
   again at once: the earlier sayings of a stretch of one to four words said twice in a row), the
   share of the original words kept, and of the inserted words removed.

Data: the bundled lecture and its lexicon (shipped in the package) for 3a; ../shared/data/sira
(ibnhisham-full.txt, ibnhisham-hijra.txt) for parts 1, 2 and 3b, skipped without it.

    .venv/bin/python -m benchmarks.quality.disfluency [--all]     # --all: list every deletion of part 2
"""

from __future__ import annotations

import collections
import random
from difflib import SequenceMatcher

from benchmarks.common import absent, argument_parser, bundled, find_shared, print_context
from hijra_audio.text import clean_text
from hijra_audio.text.lexicon import Lexicon
from hijra_audio.text.tokens import ARABIC_LETTER, split_punct

DELETING = {"filled-pause", "broken-letter", "repeated-word", "repeated-phrase", "self-repair"}
MAX_STRETCH = 4


def unpunctuated(text: str) -> str:
    """`text` as a recognizer gives it: the words only, no punctuation, no numbers, no `## `."""
    lines = []
    for line in text.split("\n"):
        words = [split_punct(w)[1] for w in line.split()]
        lines.append(" ".join(w for w in words if ARABIC_LETTER.search(w)))
    return "\n".join(lines)


def deletions(cleaned) -> list:
    return [c for c in cleaned.changes if c.rule in DELETING and c.form == "display" and not c.after]


def immediate_repeats(words: list[str]) -> int:
    """Words of the earlier sayings of stretches (1-4 words) said again at once."""
    count = i = 0
    while i < len(words):
        for n in range(MAX_STRETCH, 0, -1):
            if i + 2 * n <= len(words) and words[i:i + n] == words[i + n:i + 2 * n]:
                count += n
                i += n
                break
        else:
            i += 1
    return count


def cores(text: str) -> list[str]:
    return [c for c in (split_punct(w)[1] for w in text.split()) if c and c != "##"]


def context(raw_lines: list[str], change, width: int = 7) -> str:
    words = raw_lines[change.line - 1].split()
    return " ".join(words[max(0, change.word - 1 - width):change.word + width])


def written(text: str) -> None:
    cleaned = clean_text(text)
    gone = deletions(cleaned)
    print(f"1. Sira as written: {len(text.split()):,} words, {len(gone)} deleted by the disfluency rules"
          f"{': ' + ', '.join(c.before for c in gone[:20]) if gone else ''}")


def recognized(text: str, name: str, show: bool) -> None:
    raw = unpunctuated(text)
    cleaned = clean_text(raw)
    gone = deletions(cleaned)
    words = len(raw.split())
    rules = collections.Counter(c.rule for c in gone)
    suggested = sum(1 for c in cleaned.changes if c.form == "suggestion")
    print(f"2. {name} unpunctuated: {words:,} words, {len(gone)} deleted ({3000 * len(gone) / words:.2f} per 3,000; "
          + ", ".join(f"{r} {n}" for r, n in sorted(rules.items())) + f"), {suggested} suggestions")
    if show:
        lines = raw.split("\n")
        for c in gone:
            print(f"   {c.rule:16} {c.before:12} | {context(lines, c)}")
    else:
        common = collections.Counter(c.before for c in gone).most_common(12)
        print("   most deleted: " + ", ".join(f"{w} {n}" for w, n in common))


def spoken_lecture() -> None:
    raw = bundled("hijra-lecture.txt").read_text(encoding="utf-8")
    cleaned = clean_text(raw, Lexicon.parse(bundled("hijra-lecture.lexicon").read_text(encoding="utf-8")))
    before, after = cores(raw), cores(cleaned.display)
    print(f"3a. bundled lecture (real speech, {len(before)} words): immediate repeats {immediate_repeats(before)} -> "
          f"{immediate_repeats(after)}; words kept {len(after) / len(before):.1%} "
          f"(deleted: {' | '.join(c.before for c in deletions(cleaned))})")


FILLERS = ["اه", "اممم", "ااه", "ممم"]


KINDS = ["stutter", "stutter", "restart", "filler", "letter", "repair"]


def with_disfluencies(text: str, seed: int = 14, every: int = 12, kinds_made=tuple(KINDS)
                      ) -> tuple[str, int, collections.Counter]:
    """`text` (unpunctuated) with a disfluency of `kinds_made` put in about every `every` words;
    the count of words put in, by kind."""
    rng = random.Random(seed)
    kinds: collections.Counter = collections.Counter()
    out_lines = []
    for line in text.split("\n"):
        words = line.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            w = words[i]
            if len(words) - i > 4 and rng.random() < 1 / every:
                kind = rng.choice(kinds_made)
                if kind == "stutter":
                    n = rng.choice([1, 2])
                    out += [w] * n
                elif kind == "restart":
                    n = rng.choice([2, 3])
                    out += words[i:i + n]
                elif kind == "filler":
                    n = 1
                    out.append(rng.choice(FILLERS))
                elif kind == "letter" and len(w) > 2:
                    n = 1
                    out.append(w[0])
                elif kind == "repair" and len(w) >= 3 and len(words[i + 2]) >= 3:
                    n = 3        # `امر عمه ابا امر ابن عمه`: the next-but-one word, then a word broken off
                    out += [w, words[i + 2], words[i + 1][:2]]
                else:
                    n = 0
                kinds[kind] += n
            out.append(w)
            i += 1
        out_lines.append(" ".join(out))
    return "\n".join(out_lines), sum(kinds.values()), kinds


def spoken_test_set(text: str) -> None:
    clean_words = unpunctuated(text)
    original = len(clean_words.split())
    noisy, inserted, kinds = with_disfluencies(clean_words)
    reference = clean_text(clean_words, quran=False)
    cleaned = clean_text(noisy, quran=False)
    before, after = cores(noisy), cores(cleaned.display)
    lost_in_reference = len(deletions(reference))
    matcher = SequenceMatcher(None, cores(clean_words), after, autojunk=False)
    kept = sum(b.size for b in matcher.get_matching_blocks())
    removed = len(before) - len(after)
    print(f"3b. Hijra chapters unpunctuated + {inserted} inserted disfluent words ("
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + f"; {len(before):,} words):")
    print(f"    immediate repeats {immediate_repeats(before)} -> {immediate_repeats(after)} "
          f"({immediate_repeats(after) / max(1, immediate_repeats(before)):.0%} left); words kept "
          f"{len(after) / len(before):.1%} of all, {kept / original:.2%} of the original ones; "
          f"{len(after) - kept} inserted words left of {inserted} ({removed} words removed in all); "
          f"the same text without them loses {lost_in_reference} of its {original:,} words")
    rates = []
    for kind in sorted(set(KINDS)):
        noisy_kind, put_in, _ = with_disfluencies(clean_words, kinds_made=(kind,))
        out = cores(clean_text(noisy_kind, quran=False).display)
        gone = len(cores(noisy_kind)) - len(out) - lost_in_reference
        rates.append(f"{kind} {gone}/{put_in}")
    print("    inserted words removed, each kind alone: " + ", ".join(rates))
    left = collections.Counter()
    pairs = collections.Counter(zip(after, after[1:]))
    for a, b in pairs:
        if a == b:
            left[a] += pairs[(a, b)]
    if left:
        print("    words still said twice in a row: " + ", ".join(f"{w} {n}" for w, n in left.most_common(12)))


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--all", action="store_true", help="list every deletion of part 2 on the whole Sira too")
    show = parser.parse_args(argv).all
    print_context()
    spoken_lecture()
    sira = find_shared("data", "sira")
    if sira is None:
        print(f"{absent('data', 'sira')}: parts 1, 2 and 3b need the shared Sira text")
        return
    full = (sira / "ibnhisham-full.txt").read_text(encoding="utf-8")
    hijra = (sira / "ibnhisham-hijra.txt").read_text(encoding="utf-8")
    written(full)
    recognized(hijra, "Hijra chapters", show=True)
    recognized(full, "whole Sira", show=show)
    spoken_test_set(hijra)


if __name__ == "__main__":
    main()
