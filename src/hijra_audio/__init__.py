"""hijra-audio: turn a transcribed Arabic lecture into a podcast."""

__version__ = "0.1.0"
