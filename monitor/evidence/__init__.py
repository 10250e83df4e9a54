"""Evidence from the crawl's WARC archive: re-parsing stored documents and one document's evidence pack."""
