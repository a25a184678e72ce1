"""Measuring what was written, as a user's player would: decode MP3s, parse feeds."""

from __future__ import annotations

from pathlib import Path

import miniaudio
import numpy as np


def decode(path: Path) -> tuple[np.ndarray, int, int]:
    # mp3_read_file_s16 keeps the file's own rate and channels (decode_file would convert them).
    decoded = miniaudio.mp3_read_file_s16(str(path))
    samples = np.frombuffer(decoded.samples, dtype=np.int16)
    return samples, decoded.sample_rate, decoded.nchannels


def mp3_duration(path: Path) -> float:
    """Seconds of audio a player plays: the files' Info frame tells the decoder (dr_mp3) to drop
    LAME's encoder delay and padding, so nothing is discounted here."""
    samples, rate, channels = decode(path)
    return samples.size / channels / rate
