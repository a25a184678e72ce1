// Reads a podcast feed with two parsers podcast apps use, and prints what each found as JSON:
// podcast-partytime (the Podcast Index's parser, which reads the podcast: namespace) and
// rss-parser. tests/test_feed.py compares it with the feed's own items.
//   node tests/js/read_feed.js FEED.xml     (NODE_PATH: where scripts/test.sh installed them)
"use strict";
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");
const Parser = require("rss-parser");

const xml = fs.readFileSync(process.argv[2], "utf8");
const feed = parseFeed(xml);
if (!feed) {
  console.error("podcast-partytime could not read the feed");
  process.exit(1);
}
const out = {
  partytime: {
    title: feed.title, guid: feed.guid || null, language: feed.language, locked: feed.locked || false,
    items: feed.items.map((i) => ({
      guid: i.guid, title: i.title, url: i.enclosure.url, length: i.enclosure.length,
      type: i.enclosure.type, duration: i.duration,
      transcripts: (i.podcastTranscripts || []).map((t) => [t.url, t.type]),
      chapters: i.podcastChapters ? i.podcastChapters.url : null,
    })),
  },
};
new Parser().parseString(xml).then((parsed) => {
  out.rssparser = {
    title: parsed.title,
    items: parsed.items.map((i) => ({
      guid: i.guid, title: i.title, url: i.enclosure.url, length: Number(i.enclosure.length),
      duration: i.itunes ? Number(i.itunes.duration) : null,
    })),
  };
  process.stdout.write(JSON.stringify(out));
}, (error) => {
  console.error(`rss-parser could not read the feed: ${error}`);
  process.exit(1);
});
