"""Where a narration's episodes end and what they are titled, and how long the captions of a built
show are.

    .venv/bin/python -m benchmarks.tools.episode_cuts [NARRATION] [--minutes M]   # episodes
    .venv/bin/python -m benchmarks.tools.episode_cuts --captions OUTPUT_DIR        # its VTT cues

Episodes: each one's key, words, title and last words, and how many cuts inside a section fall
mid-sentence (default: the bundled lecture with the bundled show's settings). Captions: the cues
of every `episode-*.vtt` in OUTPUT_DIR, in seconds and in characters as read (vowel marks take no
room), with the longest line and the most lines, and whether the SRT beside each has the same cues.

Data: NARRATION (default: the bundled lecture, shipped in the package); for --captions, a folder a
build wrote (default: output).
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from benchmarks.common import argument_parser, bundled, existing, print_context

_TIMES = re.compile(r"^(\d\d):(\d\d):(\d\d[.,]\d\d\d) --> (\d\d):(\d\d):(\d\d[.,]\d\d\d)$")


def episodes(path: Path, minutes: float | None) -> None:
    from hijra_audio.config import load_config
    from hijra_audio.episodes import ends_sentence, plan_episodes, sections_from_cleaned
    from hijra_audio.text import clean_text

    config = load_config()
    planned = plan_episodes(sections_from_cleaned(clean_text(path.read_text(encoding="utf-8"))),
                            episode_minutes=minutes or config.episode_minutes,
                            words_per_minute=config.words_per_minute,
                            max_segment_chars=config.max_segment_chars)
    for episode in planned:
        last = " ".join(episode.segments[-1].display.split()[-5:])
        print(f"{episode.number:3d}  {episode.key:14s} {episode.words:5d} words  {episode.title}  | ...{last}")
    inside = [a for a, b in zip(planned, planned[1:]) if a.segments[-1].section == b.segments[0].section]
    mid = sum(1 for a in inside if not ends_sentence(a.segments[-1].display))
    words = sorted(e.words for e in planned)
    print(f"{len(planned)} episodes, words min {words[0]} median {words[len(words) // 2]} max {words[-1]}; "
          f"{len(inside)} cuts inside a section, {mid} of them mid-sentence")


def _cues(text: str) -> list[tuple[float, float, str]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            m = _TIMES.match(line)
            if m:
                h1, m1, s1, h2, m2, s2 = m.groups()
                start = int(h1) * 3600 + int(m1) * 60 + float(s1.replace(",", "."))
                end = int(h2) * 3600 + int(m2) * 60 + float(s2.replace(",", "."))
                out.append((start, end, "\n".join(lines[i + 1:])))
                break
    return out


def captions(folder: Path) -> None:
    from hijra_audio.publish.transcript import width

    cues, agree = [], True
    for vtt in sorted(folder.glob("episode-*.vtt")):
        found = _cues(vtt.read_text(encoding="utf-8"))
        srt = vtt.with_suffix(".srt")
        if srt.is_file():
            agree &= [(a, b, t.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
                      for a, b, t in found] == _cues(srt.read_text(encoding="utf-8"))
        cues += found
    if not cues:
        print(f"{folder}: no episode-*.vtt")
        return
    seconds = [b - a for a, b, _t in cues]
    chars = [width(t.replace("\n", " ")) for _a, _b, t in cues]
    longest = max(width(line) for _a, _b, t in cues for line in t.split("\n"))
    lines = max(len(t.split("\n")) for _a, _b, t in cues)
    print(f"{folder}: {len(cues)} cues; seconds max {max(seconds):.2f} median {statistics.median(seconds):.2f}; "
          f"characters per cue max {max(chars)} median {statistics.median(chars):.0f}; "
          f"longest line {longest}, at most {lines} line(s); SRT and VTT agree: {agree}")


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("narration", nargs="?", type=Path, help="the narration cut (default: the bundled lecture)")
    parser.add_argument("--minutes", type=float, default=None, help="episode_minutes (default: the bundled show's)")
    parser.add_argument("--captions", nargs="?", type=Path, const=Path("output"), metavar="OUTPUT_DIR",
                        help="instead: the cues of the episode-*.vtt in OUTPUT_DIR (default: output)")
    args = parser.parse_args(argv)
    print_context()
    if args.captions is not None:
        captions(args.captions)
        return
    episodes(existing(args.narration) if args.narration else bundled("hijra-lecture.txt"), args.minutes)


if __name__ == "__main__":
    main()
