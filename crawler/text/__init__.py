"""Text as Chinese government pages and documents write it, shared by the crawler and the audit:
dates, numerals, charsets, the one HTML-to-lines walk, printed letterheads, web links."""
