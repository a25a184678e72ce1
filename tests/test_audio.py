import io

import miniaudio
import numpy as np
import pytest

from hijra_audio.audio import heard, master, mp3info, render
from hijra_audio.audio.tags import Chapter, EpisodeTags, chapters_for, tag_mp3
from hijra_audio.engines.base import Clip
from tests.measure import Joined, encode, speechlike


def _tone(seconds, rate):
    n = int(seconds * rate)
    return Clip((np.sin(np.arange(n) * 2 * np.pi * 300 / rate) * 8000).astype("<i2").tobytes(), rate)


def test_join_places_clips_after_their_pauses():
    joined = Joined([_tone(1.0, 22050), _tone(0.5, 24000)], [0, 400], 44100)
    segment = render.segment(joined.samples, 44100)     # what join appends: pydub AudioSegments
    assert segment.frame_rate == 44100 and segment.channels == 1 and segment.sample_width == 2
    assert joined.placements[0].start == 0 and joined.placements[0].end == pytest.approx(1.0, abs=1e-3)
    assert joined.placements[1].start == pytest.approx(1.4, abs=1e-3)
    assert joined.duration == pytest.approx(1.9, abs=1e-3)
    pcm = joined.samples
    gap = pcm[int(1.05 * 44100):int(1.35 * 44100)]
    assert not gap.any()
    assert np.abs(pcm[:44100]).mean() > 1000


def test_join_is_linear_not_quadratic():
    # thousands of clips join in one pass; `+` in a loop would copy the whole episode each time
    clips = [_tone(0.05, 44100)] * 3000
    joined = Joined(clips, [10] * 3000, 44100)
    assert joined.duration == pytest.approx(3000 * 0.06, abs=0.05)


def test_encode_and_tag_decode_back():
    joined = Joined([_tone(2.0, 22050)], [0], 44100)
    tags = EpisodeTags(title="عنوان", album="الهجرة", artist="م", track=2, total=3)
    mp3 = tag_mp3(encode(joined.samples, 64), tags)
    decoded = miniaudio.decode(mp3, nchannels=1, output_format=miniaudio.SampleFormat.SIGNED16)
    assert decoded.sample_rate == 44100 and decoded.nchannels == 1
    assert decoded.num_frames / 44100 == pytest.approx(2.0, abs=0.05)
    from mutagen.mp3 import MP3

    info = MP3(io.BytesIO(mp3))
    assert info.info.bitrate == pytest.approx(64000, rel=1e-3) and info.info.sample_rate == 44100
    assert str(info.tags["TIT2"]) == "عنوان" and str(info.tags["TRCK"]) == "2/3"


# --- mastering, the Info frame, tags -------------------------------------------------------

RATE = 44100


def _oversampled_peak_db(samples: np.ndarray) -> float:
    """True peak by another route than the code's (scipy polyphase 4x instead of libsoxr)."""
    from scipy.signal import resample_poly

    up = resample_poly(samples.astype(np.float64) / 32768, 4, 1)
    return 20 * np.log10(max(np.abs(up).max(), np.abs(samples).max() / 32768))


@pytest.mark.slow   # builds real audio
@pytest.mark.parametrize("seconds,level_db,clicks,target", [
    (40, -30, False, -16.0),    # quiet: raised a lot, peaks limited
    (40, -6, True, -16.0),      # clicks at full scale, far over the ceiling
    (25, -20, True, -19.0),     # another target
    (60, -0.1, False, -16.0),   # near full scale already
    (30, -3, False, -23.0),     # lowered: no limiting needed
])
def test_mastered_mp3_decodes_at_the_target_loudness_under_the_peak_ceiling(seconds, level_db, clicks, target):
    import pyloudnorm

    from hijra_audio.config import AudioConfig

    pcm = speechlike(seconds, level_db, seed=seconds, clicks=clicks)
    settings = AudioConfig(loudness_lufs=target)
    mp3, report = master.master_and_encode(pcm, settings)
    decoded = np.frombuffer(miniaudio.decode(bytes(mp3), nchannels=1, output_format=miniaudio.SampleFormat.SIGNED16).samples,
                            dtype="<i2")
    assert decoded.size == pcm.size
    measured = pyloudnorm.Meter(RATE).integrated_loudness(decoded / 32768)
    assert abs(measured - target) <= 1.0
    assert abs(measured - target) <= 0.5       # the norm's tolerance
    assert abs(measured - target) <= 0.25      # what the code aims at (0.1 LU, the codec's loss learnt from excerpts)
    assert _oversampled_peak_db(decoded) <= -1.0
    assert report.loudness_out == pytest.approx(measured, abs=0.1)   # expected, not measured again


def test_loudness_is_pyloudnorms():
    import pyloudnorm

    from hijra_audio.audio.meter import loudness

    meter = pyloudnorm.Meter(RATE)
    for seed, seconds in [(1, 0.4), (2, 3.3), (3, 31.7)]:
        x = speechlike(seconds, -20, seed) / 32768
        assert loudness(x, RATE) == pytest.approx(meter.integrated_loudness(x), abs=1e-6)
    assert loudness(np.zeros(RATE), RATE) == float("-inf")
    assert loudness(np.ones(100) * 0.1, RATE) == float("-inf")   # shorter than one block


def test_silence_is_encoded_as_it_is():
    from hijra_audio.config import AudioConfig

    mp3, report = master.master_and_encode(np.zeros(RATE * 2, dtype="<i2"), AudioConfig())
    assert report.gain_db == 0 and report.passes == 1
    decoded = miniaudio.decode(bytes(mp3), nchannels=1, output_format=miniaudio.SampleFormat.SIGNED16)
    assert decoded.num_frames == RATE * 2


@pytest.mark.parametrize("samples,bitrate", [(1, 64), (1000, 64), (RATE * 3 + 17, 64), (RATE * 2, 32),
                                             (RATE * 2 + 1151, 128), (1152 * 10, 320)])
def test_the_info_frame_gives_players_the_exact_length(tmp_path, samples, bitrate):
    from mutagen.mp3 import MP3

    pcm = np.zeros(samples, dtype="<i2")
    if samples >= 2000:                # clicks 500 samples from each end
        pcm[500] = 20000
        pcm[-501] = -20000
    mp3 = encode(pcm, bitrate)
    path = tmp_path / "x.mp3"
    path.write_bytes(mp3)
    decoded = np.frombuffer(miniaudio.mp3_read_file_s16(str(path)).samples, dtype="<i2")
    assert decoded.size == samples                        # dr_mp3 drops LAME's delay and padding
    assert MP3(str(path)).info.length == pytest.approx(samples / 44100, abs=1e-9)
    if samples >= 2000:                # the clicks are where they were: the delay is dropped exactly
        assert np.argmax(np.abs(decoded[:1000])) == 500
        assert np.argmax(np.abs(decoded[-1000:])) == 1000 - 501
    info = MP3(str(path)).info
    assert info.sample_rate == 44100 and str(info.bitrate_mode).endswith("CBR") and info.encoder_info.startswith("LAME")


def test_the_lame_tag_checksum_is_right():
    pcm = speechlike(2, -20, 5)
    mp3 = encode(pcm, 64)
    side_info = 17
    start = 4 + side_info
    assert mp3[start:start + 4] == b"Info" and mp3[start + 120:start + 129] == b"LAME3.100"
    end = start + 120 + 34
    assert int.from_bytes(mp3[end:end + 2], "big") == mp3info.crc16(mp3[:end])
    delay_padding = int.from_bytes(mp3[start + 120 + 21:start + 120 + 24], "big")
    frames = int.from_bytes(mp3[start + 8:start + 12], "big")
    assert delay_padding >> 12 == 576
    assert (delay_padding & 0xFFF) == frames * 1152 - 576 - pcm.size


@pytest.mark.parametrize("data,expected", [(b"123456789", 0xBB3D), (b"", 0), (b"\x00", 0)])
def test_crc16(data, expected):
    assert mp3info.crc16(data) == expected


@pytest.mark.parametrize("lead,sound,tail,threshold,kept", [
    (0.5, 1.0, 0.5, -50.0, 1.0 + 2 * render.TRIM_MARGIN_S),
    (0.0, 1.0, 0.0, -50.0, 1.0),
    (0.5, 1.0, 0.5, 0.0, 2.0),          # 0: trimming off
    (0.3, 0.0, 0.0, -50.0, 0.0),        # silence only: nothing left
])
def test_trim_cuts_leading_and_trailing_silence(lead, sound, tail, threshold, kept):
    tone = np.frombuffer(_tone(sound, 44100).samples, dtype="<i2") if sound else np.zeros(0, dtype="<i2")
    hiss = (np.random.default_rng(0).standard_normal(int(lead * 44100)) * 20).astype("<i2")  # -64 dBFS
    samples = np.concatenate([hiss, tone, np.zeros(int(tail * 44100), dtype="<i2")])
    assert render.trim(samples, 44100, threshold).size / 44100 == pytest.approx(kept, abs=2 / 44100 + 1e-3)


def test_join_trims_each_clip_before_its_pause():
    quiet = np.zeros(22050, dtype="<i2")
    tone = np.frombuffer(_tone(1.0, 44100).samples, dtype="<i2")
    clip = Clip(np.concatenate([quiet, tone, quiet]).tobytes(), 44100)
    joined = Joined([clip, clip], [0, 400], 44100, trim_db=-50.0)
    margin = render.TRIM_MARGIN_S
    assert joined.placements[0].start == 0
    assert joined.placements[0].end == pytest.approx(1.0 + 2 * margin, abs=1e-3)
    assert joined.placements[1].start == pytest.approx(1.0 + 2 * margin + 0.4, abs=1e-3)


@pytest.mark.parametrize("headings,starts,expected", [
    ((True, False, True, False), (0.0, 2.0, 5.0, 7.0), [(0.0, 5.0, "a"), (5.0, 9.0, "c")]),
    ((False, True, False), (0.0, 3.0, 6.0), [(0.0, 3.0, "Episode"), (3.0, 9.0, "b")]),
    ((False, False), (0.0, 3.0), [(0.0, 9.0, "Episode")]),
])
def test_chapters_one_per_heading(headings, starts, expected):
    placements = tuple(render.Placed(s, s + 1) for s in starts)
    texts = tuple("abcd"[:len(starts)])
    chapters = chapters_for(placements, texts, headings, 9.0, "Episode")
    assert [(c.start, c.end, c.title) for c in chapters] == expected


def test_tags_read_back_with_mutagen():
    from mutagen.id3 import ID3
    from mutagen.mp3 import MP3

    from hijra_audio.publish import cover

    jpeg = cover.embedded(cover._jpeg(cover.generate("الهجرة", size=1400), 90))
    tags = EpisodeTags(title="الحلقة 1", album="الهجرة", artist="م", track=1, total=3, year="2026",
                             language="ara", comment="وصف", cover_id="x")
    chapters = (Chapter(0.0, 1.2, "أ"), Chapter(1.2, 2.0, "ب"))
    joined = Joined([_tone(2.0, 22050)], [0], 44100)
    mp3 = tag_mp3(encode(joined.samples, 64), tags, chapters, jpeg)
    assert mp3[:3] == b"ID3" and mp3[3] == 4
    id3 = ID3(io.BytesIO(mp3))
    assert id3.version == (2, 4, 0)
    assert str(id3["TIT2"]) == "الحلقة 1" and str(id3["TALB"]) == "الهجرة" and str(id3["TPE1"]) == "م"
    assert str(id3["TRCK"]) == "1/3" and str(id3["TDRC"]) == "2026" and str(id3["TLAN"]) == "ara"
    assert id3.getall("COMM")[0].text == ["وصف"]
    (picture,) = id3.getall("APIC")
    assert picture.mime == "image/jpeg" and picture.data == jpeg and picture.type == 3
    chaps = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [(0, 1200, "أ"), (1200, 2000, "ب")]
    (toc,) = id3.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chaps]
    assert MP3(io.BytesIO(mp3)).info.length == pytest.approx(joined.duration, abs=1e-6)


@pytest.mark.slow   # builds real audio
def test_when_passes_miss_the_ceiling_the_whole_episode_is_lowered(monkeypatch):
    """A limiter that failed (here: one that does nothing) still gives a file under the ceiling."""
    from hijra_audio.config import AudioConfig

    def unlimited(measured, target, ceiling, headroom):
        return target - measured.loudness(), None

    monkeypatch.setattr(master, "master", unlimited)
    pcm = speechlike(20, -20, seed=7, clicks=False)   # its peaks pass the ceiling once raised 19 dB
    mp3, report = master.master_and_encode(pcm, AudioConfig())
    decoded = heard.decode(mp3, RATE)
    assert report.passes >= 4 and _oversampled_peak_db(decoded) <= -1.0


def test_the_decoded_check_finds_the_true_peak_the_whole_file_has():
    """The decoded MP3's true peak is worked out only where it could come near the ceiling: the
    figure reported bounds the whole file's, and the whole file is under the ceiling."""
    from hijra_audio.config import AudioConfig

    pcm = speechlike(30, -8, seed=11, clicks=True)
    mp3, report = master.master_and_encode(pcm, AudioConfig())
    whole = heard.measure(mp3, RATE)
    assert whole.true_peak_db() <= report.true_peak_out + 1e-4
    assert whole.true_peak_db() <= AudioConfig().true_peak_dbtp - master.VERIFY_MARGIN_DB
    assert whole.loudness() == pytest.approx(report.loudness_out, abs=0.1)


@pytest.mark.slow   # builds real audio
def test_a_stereo_episode_has_the_voice_on_both_channels_at_the_stereo_norm():
    """channels = 2: the same samples on both channels, -16 LUFS measured as stereo (3 dB above
    the same file's mono measure), the true peak of each channel under the ceiling."""
    import pyloudnorm
    from mutagen.mp3 import MP3

    from hijra_audio.config import AudioConfig

    pcm = speechlike(30, -10, seed=3, clicks=True)
    mp3, report = master.master_and_encode(pcm, AudioConfig(channels=2, loudness_lufs=-16.0))
    decoded = miniaudio.decode(bytes(mp3), nchannels=2, output_format=miniaudio.SampleFormat.SIGNED16)
    both = np.frombuffer(decoded.samples, dtype="<i2").reshape(-1, 2)
    assert both.shape[0] == pcm.size and np.array_equal(both[:, 0], both[:, 1])
    info = MP3(io.BytesIO(mp3)).info
    assert info.channels == 2 and info.length == pytest.approx(pcm.size / RATE, abs=1e-6)
    measured = pyloudnorm.Meter(RATE).integrated_loudness(both / 32768)
    assert abs(measured - -16.0) <= 0.25
    assert report.loudness_out == pytest.approx(measured, abs=0.1)
    assert _oversampled_peak_db(both[:, 0]) <= -1.0


def test_an_inserted_recording_is_brought_to_the_voices_loudness_in_place():
    """audio/insert.py: the voice's loudness measured with the inserted stretch left out, the
    stretch scaled to it (a reciter recorded 20 dB louder than the voice here)."""
    import numpy as np

    from hijra_audio.audio import insert, meter

    rate = 44100
    t = np.arange(3 * rate) / rate
    voice = (np.sin(2 * np.pi * 220 * t) * 1000).astype("<i2")
    loud = (np.sin(2 * np.pi * 880 * t) * 10000).astype("<i2")
    with meter.PcmFile() as pcm:
        for piece in (voice, loud, voice):
            pcm.append(piece)
        [gain] = insert.match_voice(pcm, rate, [(3 * rate, 6 * rate)])
        matched = pcm.read(3 * rate, 6 * rate).astype(np.float64) / 32768
        spoken = pcm.read(0, 3 * rate).astype(np.float64) / 32768
    # within 0.3 LU: the 400 ms blocks that straddle a stretch's edges count a little of the other
    assert meter.loudness(matched, rate) == pytest.approx(meter.loudness(spoken, rate), abs=0.3)
    assert gain < -15
    with meter.PcmFile() as pcm:       # no voice to match: left as it is
        pcm.append(loud)
        assert insert.match_voice(pcm, rate, [(0, loud.size)]) == [0.0]
        assert np.array_equal(pcm.read(0, loud.size), loud)
