"""Demo and test infrastructure: the sample portal the demo crawls; the crawler never imports it."""
