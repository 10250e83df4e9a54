"""The language people read govwatch in: gettext catalogues, Chinese by default.

Messages are written in English in the code (``_("Late documents")``) and translated by
the catalogue ``monitor/locale/<locale>/LC_MESSAGES/govwatch.po``; a language without a
catalogue (English) shows the msgids themselves. Adding a language is adding its ``.po``
file and its code to :data:`LANGUAGES`.

The ``.po`` files are the only source: they are compiled when first used (Babel reads the
``.po`` and writes the ``.mo`` into memory), so no compiled file can be out of date with
its source and a translator edits one text file. Compiling the catalogue takes a few
milliseconds, once per process.

The language is ``--lang`` (:func:`set_language`, called by the command line), else the
``GOVWATCH_LANG`` environment variable, else Chinese. It is looked up on every call, so
one process can render the same audit in two languages.
"""

import gettext
import os
from functools import cache
from importlib.resources import files
from io import BytesIO

# Language code → (gettext locale of its catalogue or None for the msgids, HTML lang).
LANGUAGES = {"zh": ("zh_CN", "zh-Hans"), "en": (None, "en")}
DEFAULT_LANGUAGE = "zh"
DOMAIN = "govwatch"

_chosen: str | None = None


class UnknownLanguage(ValueError):
    pass


def check_language(code: str) -> str:
    """``code`` if govwatch speaks it; :class:`UnknownLanguage` saying which it does otherwise."""
    if code not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {code!r}: choose one of {', '.join(LANGUAGES)}")
    return code


def set_language(code: str | None) -> None:
    """Use ``code`` from now on; None goes back to GOVWATCH_LANG or the default."""
    global _chosen
    _chosen = None if code is None else check_language(code)


def language() -> str:
    """The language in use: the one set, else GOVWATCH_LANG, else Chinese."""
    if _chosen is not None:
        return _chosen
    return check_language(os.environ.get("GOVWATCH_LANG") or DEFAULT_LANGUAGE)


def html_lang() -> str:
    """The HTML ``lang`` attribute of the language in use."""
    return LANGUAGES[language()][1]


def catalogue_path(locale: str):
    return files("monitor").joinpath("locale", locale, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language (the msgids themselves for English)."""
    locale = LANGUAGES[check_language(code)][0]
    if locale is None:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(locale).open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """``message`` in the language in use."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language in use."""
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a module-level string for the catalogue; translated where it is shown, by _()."""
    return message
