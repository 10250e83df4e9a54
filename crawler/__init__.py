"""The Scrapy project: spiders, page parsing, pipelines and settings."""

from importlib.metadata import version

# Written once, in pyproject.toml; the installed package's metadata carries it here.
__version__ = version("govwatch")
