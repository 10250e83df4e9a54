"""The Scrapy project: spiders, page parsing, pipelines and settings."""

__version__ = "0.1.0"
