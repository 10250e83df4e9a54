"""Showing results to people: the HTML report and its charts, terminal tables, Datasette."""
