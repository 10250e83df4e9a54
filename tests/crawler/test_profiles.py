"""Site profiles: the bundled leda file, TOML files of one's own, and their errors."""

import re
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest

from crawler.profiles import (GENERIC, PROFILES, ProfileError, SiteProfile, load_profile, load_sites, pick_sites,
                              profile_from_data, resolve_profile)

MINIMAL = {"name": "mine", "start_urls": ["http://www.example.gov.cn/"]}


def test_the_bundled_leda_profile_is_an_entry_of_the_bundled_sites_file():
    data = tomllib.loads(files("crawler").joinpath("sites/bundled.toml").read_text(encoding="utf-8"))
    leda = PROFILES["leda"]
    assert [table["name"] for table in data["sites"]] == list(PROFILES)
    assert leda == profile_from_data(data["sites"][0], "bundled.toml")
    assert leda.level == "government"
    assert leda.start_urls == ("http://www.leda.gov.cn/",)
    assert leda.allow_prefixes == ("/zfxxgk", "/xxgk", "/info/")
    assert leda.claims["interpretations"] == {"observe": "column", "column": "政策解读", "gloss": "policy interpretation"}


def test_the_generic_profile_follows_the_whole_host_and_observes_claims_as_leda():
    assert GENERIC.allow_prefixes == ("/",) and GENERIC.start_urls == ()
    assert GENERIC.claims == PROFILES["leda"].claims


def test_a_minimal_file_follows_the_whole_host_and_observes_nothing(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\nstart_urls = ["http://www.example.gov.cn/"]\n', encoding="utf-8")
    assert load_profile(path) == SiteProfile(name="mine", title="mine", start_urls=("http://www.example.gov.cn/",),
                                             allow_prefixes=("/",))


def test_a_file_carries_body_hints_and_claims(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\ntitle = "My portal"\nstart_urls = ["https://a.gov.cn/x/"]\nallow_prefixes = ["/x"]\n'
        'body_ids = ["art"]\nbody_classes = ["wenzhang", "zw"]\n'
        '[claims]\ninterpretations = { observe = "column", column = "解读" }\n', encoding="utf-8")
    profile = load_profile(path)
    assert (profile.title, profile.allow_prefixes) == ("My portal", ("/x",))
    assert (profile.body_ids, profile.body_classes) == (("art",), ("wenzhang", "zw"))
    assert profile.claims == {"interpretations": {"observe": "column", "column": "解读"}}


@pytest.mark.parametrize("change, message", [
    ({"name": None}, "name: missing"),
    ({"name": ""}, "name: must be non-empty text"),
    ({"title": 3}, "title: must be non-empty text"),
    ({"start_urls": []}, "start_urls: missing"),
    ({"start_urls": "http://a/"}, "start_urls: must be a list"),
    ({"start_urls": ["ftp://a/"]}, "start_urls: start URL 'ftp://a/' is not an http(s) URL"),
    ({"allow_prefixes": ["info"]}, "allow_prefixes: every prefix must be a path starting with /"),
    ({"body_classes": [1]}, "body_classes: must be a list of non-empty strings"),
    ({"start_url": ["http://a/"]}, "start_url: unknown key"),
    ({"claims": ["x"]}, "claims: must be a table"),
    ({"claims": {"portal_items": "documents"}}, "claims.portal_items: must be a table"),
    ({"claims": {"portal_items": {"observe": "pages"}}}, "claims.portal_items: 'observe' must be one of"),
    ({"claims": {"x": {"observe": "column"}}}, "claims.x: 'observe = \"column\"' needs column; missing column"),
    ({"claims": {"x": {"observe": "documents", "column": "a"}}}, "unknown column"),
])
def test_a_bad_profile_names_the_file_and_the_key(change, message):
    data = {key: value for key, value in {**MINIMAL, **change}.items() if value is not None}
    with pytest.raises(ProfileError) as error:
        profile_from_data(data, "mine.toml")
    assert str(error.value).startswith("profile mine.toml: ")
    assert message in str(error.value)


@pytest.mark.parametrize("write, message", [
    (None, "cannot read profile"),
    (lambda path: path.write_bytes(b"name = \xff\n"), "is not UTF-8 text"),
    (lambda path: path.write_text("name = mine\n"), "is not valid TOML"),
    (lambda path: path.mkdir(), "cannot read profile"),
])
def test_an_unreadable_profile_file_is_one_profile_error(tmp_path, write, message):
    path = tmp_path / "mine.toml"
    if write:
        write(path)
    with pytest.raises(ProfileError, match=message) as error:
        load_profile(path)
    assert "\n" not in str(error.value)


def test_resolve_takes_a_loaded_profile_and_overrides_its_urls_and_prefixes():
    mine = profile_from_data(MINIMAL, "mine.toml")
    assert resolve_profile(mine, [], []) == mine
    moved = resolve_profile(mine, ["http://127.0.0.1:8000/"], ["/info/"])
    assert (moved.name, moved.start_urls, moved.allow_prefixes) == ("mine", ("http://127.0.0.1:8000/",), ("/info/",))


def test_resolve_by_name_as_before():
    assert resolve_profile(None, [], []) == PROFILES["leda"]
    assert resolve_profile(None, ["http://a/"], []).name == "generic"
    with pytest.raises(ProfileError, match="unknown site 'nowhere'; known sites: leda"):
        resolve_profile("nowhere", [], [])


def test_the_readme_example_is_a_usable_profile():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"## Site profiles.*?```toml\n(.*?)```", readme, re.DOTALL).group(1)
    profile = profile_from_data(tomllib.loads(example), "README.md")
    assert (profile.name, profile.body_classes) == ("mine", ("wenzhang",))
    assert set(profile.claims) == {"portal_items", "interpretations", "key_area_items", "timeliness_limit_workdays"}


def test_profile_level_and_column_kinds_are_checked():
    base = {"name": "x", "start_urls": ["http://portal/"]}
    profile = profile_from_data({**base, "level": "government", "columns": {"专题": {"days": 730, "kind": "other"}}},
                                "x.toml")
    assert (profile.level, profile.columns["专题"]["days"]) == ("government", 730)
    assert profile_from_data(base, "x.toml").level == "department"
    for bad, message in (({"level": "county"}, "level: must be one of department, government"),
                         ({"columns": {"专题": {"kind": "daily"}}}, "columns.专题.kind: must be one of"),
                         ({"columns": {"专题": {"days": 0}}}, "columns.专题.days: must be a whole number"),
                         ({"columns": {"专题": {"every": 3}}}, "columns.专题: must be a table")):
        with pytest.raises(ProfileError, match=message):
            profile_from_data({**base, **bad}, "x.toml")


def test_a_sites_file_holds_several_sites_in_its_order(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text("""
[[sites]]
name = "b"
start_urls = ["http://b.example.gov.cn/"]
level = "department"
[sites.claims]
portal_items = { observe = "documents" }

[[sites]]
name = "a"
start_urls = ["http://a.example.gov.cn/"]
""", encoding="utf-8")
    sites = load_sites(path)
    assert list(sites) == ["b", "a"]
    assert sites["b"].level == "department" and sites["b"].claims == {"portal_items": {"observe": "documents"}}
    assert sites["a"].level == "department" and sites["a"].claims == {}
    assert pick_sites(sites, None) == [sites["b"], sites["a"]] and pick_sites(sites, "a") == [sites["a"]]
    with pytest.raises(ProfileError, match="unknown site 'c'; known sites: a, b"):
        pick_sites(sites, "c")


@pytest.mark.parametrize("text, message", [
    ('name = "x"', "needs one or more \\[\\[sites\\]\\] tables"),
    ('[[sites]]\nname = "x"\nstart_urls = ["http://x/"]\n[[sites]]\nname = "x"\nstart_urls = ["http://y/"]',
     "the site name 'x' is used twice"),
    ('[[sites]]\nname = "x"\nstart_urls = ["http://x/"]\nlevel = "province"',
     "#1: level: must be one of department, government"),
])
def test_a_bad_sites_file_is_one_line_naming_the_fault(tmp_path, text, message):
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_sites(path)
