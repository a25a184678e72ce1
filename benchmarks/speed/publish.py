"""Publishing costs: rendering the feed and the page for a long series, and the local server's
throughput for whole downloads and for the small range requests podcast apps seek with.

Data: none (the bundled show's settings, made-up episodes, a file of random bytes in a temporary
folder served on 127.0.0.1).

    .venv/bin/python -m benchmarks.speed.publish [--episodes 500] [--mb 50]
"""

from __future__ import annotations

import http.client
import os
import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.common import argument_parser, print_context, timed
from hijra_audio.config import load_config
from hijra_audio.publish.feed import FeedItem, render_feed
from hijra_audio.publish.site import SiteEpisode, render_page
from hijra_audio.serve import make_server, serve_in_thread


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--episodes", type=int, default=500)
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args(argv)
    print_context()

    config = load_config()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    text = "خرج النبي صلى الله عليه وسلم من مكة ليلا مع صاحبه " * 40
    items = [FeedItem(f"الحلقة {n}", f"guid-{n}", now - timedelta(seconds=args.episodes - n), f"episode-{n:03d}.mp3",
                      5_000_000, 600.0, n, text) for n in range(1, args.episodes + 1)]
    seconds, data = timed(lambda: render_feed(config, items, now))
    print(f"feed for {args.episodes} episodes: {seconds * 1000:.0f} ms, {len(data) / 1e6:.2f} MB")
    pages = [SiteEpisode(n, f"الحلقة {n}", f"episode-{n:03d}.mp3", 600.0, ((False, text),))
             for n in range(1, args.episodes + 1)]
    seconds, page = timed(lambda: render_page(config, pages))
    print(f"page for {args.episodes} episodes: {seconds * 1000:.0f} ms, {len(page.encode()) / 1e6:.2f} MB")

    with tempfile.TemporaryDirectory() as folder:
        size = args.mb * 1_000_000
        Path(folder, "big.mp3").write_bytes(os.urandom(size))
        server = make_server(Path(folder), "127.0.0.1", 0)
        serve_in_thread(server)
        port = server.server_address[1]

        def get(headers=None) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/big.mp3", headers=headers or {})
            body = connection.getresponse().read()
            connection.close()
            return len(body)

        seconds, got = timed(get, runs=3)
        assert got == size
        print(f"whole {args.mb} MB file over loopback: {seconds:.3f} s ({size / seconds / 1e6:.0f} MB/s)")
        rng = random.Random(8)
        starts = [rng.randrange(0, size - 65536) for _ in range(200)]
        start = time.perf_counter()
        for first in starts:
            assert get({"Range": f"bytes={first}-{first + 65535}"}) == 65536
        elapsed = time.perf_counter() - start
        print(f"200 range requests of 64 KiB: {elapsed * 1000 / 200:.2f} ms each (new connection each)")
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
