"""Clips + pauses -> one mastered, tagged MP3 per episode.

`master` joins the clips (pydub) and masters and encodes the episode, `meter` measures loudness and
true peak, `heard` checks the decoded MP3's true peak, `mp3info` writes the Info frame players read
the exact length from, `tags` the ID3 tag and chapters.
"""
