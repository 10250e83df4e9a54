"""Reading an annual report on government information disclosure: its formats (HTML,
Markdown, text, PDF, Word), its prose figures, its statistics tables and their arithmetic."""
