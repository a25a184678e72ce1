"""The names of the files a build writes into the output folder. The feed, the page and each
episode's tags link them by these names, and `serve` gives them their MIME types."""

FEED_NAME = "feed.xml"
PAGE_NAME = "index.html"
COVER_NAME = "cover.jpg"
FONT_DIR = "fonts"
MP3_SUFFIX = ".mp3"          # episode-NNN.mp3
VTT_SUFFIX = ".vtt"          # beside each MP3: its WebVTT transcript,
SRT_SUFFIX = ".srt"          # its SRT transcript,
CHAPTERS_SUFFIX = ".chapters.json"   # and its Podcasting 2.0 chapters
CHAPTERS_TYPE = "application/json+chapters"


def beside(mp3: str, suffix: str) -> str:
    """The name of the file with `suffix` beside the episode file `mp3` (episode-001.mp3 -> episode-001.vtt)."""
    return mp3.removesuffix(MP3_SUFFIX) + suffix
