"""The exceptions the library raises; `cli.py` turns them into one-line messages and exit code 1.

Every message names what failed, where (file, line, episode, segment) and how to fix it.
"""


class HijraAudioError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(HijraAudioError):
    """A narration file that cannot be used (missing, empty, not UTF-8, no Arabic)."""


class ConfigError(HijraAudioError):
    """A podcast.toml that cannot be used."""


class EngineUnavailable(HijraAudioError):
    """An engine that cannot run here; the message names what to install or configure."""


class EngineError(HijraAudioError):
    """An engine that failed on a given segment."""


class OutputLocked(HijraAudioError):
    """Another build holds the output folder."""


class OutputError(HijraAudioError):
    """A file of the build (in the output folder or the cache) could not be written: the disk is
    full, read-only or failing, or the folder is not writable."""


class ClusterError(HijraAudioError):
    """A Dask cluster that cannot build: unreachable, lost, mismatched workers, or lost work."""


class LexiconError(HijraAudioError):
    """A lexicon file that cannot be read; the message names the file and line."""



class RecitationError(HijraAudioError):
    """A reciter's recordings or word timings that cannot be used (recite/): the message names the
    file, the quotation that needs it and the fix."""


class ManifestError(HijraAudioError):
    """The record of what is published (manifest.json) cannot be read and cannot be recovered;
    the message says how to recover it."""


class DownloadError(HijraAudioError):
    """A voice that cannot be listed or downloaded: offline, a server error, a file that does not
    match the index."""
