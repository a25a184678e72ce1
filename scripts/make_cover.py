"""Draw the bundled show's cover (src/hijra_audio/data/cover.png) with numpy alone: a night sky
over dunes with a crescent and stars, 1400x1400 px as podcast directories ask. Run once by hand;
the PNG is committed. `python scripts/make_cover.py [OUT]`."""

import struct
import sys
import zlib
from pathlib import Path

import numpy as np

SIZE = 1400


def png(rgb: np.ndarray) -> bytes:
    height, width, _ = rgb.shape
    rows = rgb.astype(np.uint8)
    up = np.zeros_like(rows)
    up[1:] = rows[1:] - rows[:-1]          # PNG "Up" filter: smooth skies compress to nearly nothing
    up[0] = rows[0]
    raw = b"".join(b"\x02" + up[y].tobytes() for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def draw() -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    top, horizon = np.array([10, 18, 48]), np.array([120, 70, 60])
    t = np.clip(y / 0.72, 0, 1)[..., None] ** 1.6
    img = top * (1 - t) + horizon * t
    rng = np.random.default_rng(1446)
    for sx, sy, r in zip(rng.random(160), rng.random(160) * 0.6, rng.random(160)):
        d = np.hypot(x - sx, y - sy)
        img += (d < 0.0012 + 0.0022 * r)[..., None] * (np.array([255, 250, 225]) - img) * 0.9
    moon = np.hypot(x - 0.70, y - 0.24) < 0.11
    bite = np.hypot(x - 0.745, y - 0.205) < 0.095
    img[moon & ~bite] = [246, 228, 170]
    for height, amp, freq, phase, color in [(0.70, 0.035, 5.0, 0.3, (176, 120, 72)),
                                            (0.78, 0.030, 3.2, 1.9, (204, 150, 92)),
                                            (0.88, 0.025, 2.1, 4.0, (226, 178, 118))]:
        edge = height + amp * np.sin(2 * np.pi * freq * x[0] + phase)
        img[y > edge[None, :]] = color
    return np.clip(img, 0, 255)


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "src/hijra_audio/data/cover.png"
    out.write_bytes(png(draw()))
    print(out, out.stat().st_size, "bytes")
