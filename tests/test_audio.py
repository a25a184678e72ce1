import io

import miniaudio
import numpy as np
import pytest

from hijra_audio import audio
from hijra_audio.engines.base import Clip


def _tone(seconds, rate):
    n = int(seconds * rate)
    return Clip((np.sin(np.arange(n) * 2 * np.pi * 300 / rate) * 8000).astype("<i2").tobytes(), rate)


def test_join_places_clips_after_their_pauses():
    joined = audio.join([_tone(1.0, 22050), _tone(0.5, 24000)], [0, 400], 44100)
    assert joined.audio.frame_rate == 44100 and joined.audio.channels == 1
    assert joined.placements[0].start == 0 and joined.placements[0].end == pytest.approx(1.0, abs=1e-3)
    assert joined.placements[1].start == pytest.approx(1.4, abs=1e-3)
    assert joined.duration == pytest.approx(1.9, abs=1e-3)
    pcm = np.frombuffer(joined.audio.raw_data, dtype="<i2")
    gap = pcm[int(1.05 * 44100):int(1.35 * 44100)]
    assert not gap.any()
    assert np.abs(pcm[:44100]).mean() > 1000


def test_join_is_linear_not_quadratic():
    # thousands of clips join in one pass; `+` in a loop would copy the whole episode each time
    clips = [_tone(0.05, 44100)] * 3000
    joined = audio.join(clips, [10] * 3000, 44100)
    assert joined.duration == pytest.approx(3000 * 0.06, abs=0.05)


def test_encode_and_tag_decode_back():
    joined = audio.join([_tone(2.0, 22050)], [0], 44100)
    tags = audio.EpisodeTags(title="عنوان", album="الهجرة", artist="م", track=2, total=3)
    mp3 = audio.tag_mp3(audio.encode_mp3(joined.audio, 64), tags)
    decoded = miniaudio.decode(mp3, nchannels=1, output_format=miniaudio.SampleFormat.SIGNED16)
    assert decoded.sample_rate == 44100 and decoded.nchannels == 1
    assert decoded.num_frames / 44100 == pytest.approx(2.0, abs=0.05)
    from mutagen.mp3 import MP3

    info = MP3(io.BytesIO(mp3))
    assert info.info.bitrate == pytest.approx(64000, rel=1e-3) and info.info.sample_rate == 44100
    assert str(info.tags["TIT2"]) == "عنوان" and str(info.tags["TRCK"]) == "2/3"
