"""Episodes -> what listeners and their apps read: the feed, the web page, transcripts and
chapters, the cover."""
