"""Stage 1 (content), settings: checks for the site.yml values that reach file names, URLs and
plain-text files (robots.txt, CNAME), so a hostile or mistyped setting is an error, not an output."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

# RFC 5646 language tags: language, then optional script, region, variants, extensions, private use.
LANGUAGE_TAG = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"  # language (with extended subtags)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[a-wyz0-9](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?", re.I)
LANGUAGE_MAX = 31
"""Pagefind (1.5) panics on a longer tag: it names index files after the language."""
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.I)
URL_CHARS = re.compile(r"[\x21-\x7e]+")
"""Printable ASCII without spaces: anything else in a URL is a typo or an injection (a line break
would add lines to robots.txt). International host names are written in their xn-- form."""
UNSAFE_IN_URL = set('"<>\\^`{|}')


def language_problem(tag: str) -> str | None:
    """Return why a language setting is not usable, or None when it is a fitting BCP 47 tag."""
    if not LANGUAGE_TAG.fullmatch(tag):
        return (f"'language' must be a BCP 47 language tag such as en, en-GB, zh-Hant or es-419, "
                f"found '{tag}'")
    if len(tag) > LANGUAGE_MAX:
        return (f"'language' is a tag of {len(tag)} characters; the search indexer takes at most "
                f"{LANGUAGE_MAX}: shorten it (for example to '{tag.split('-')[0]}')")
    return None


def base_url_problem(url: str) -> str | None:
    """Return why a base URL is not usable, or None for an absolute http(s) URL of a site."""
    wanted = "the base URL must be an absolute http:// or https:// URL such as https://user.github.io/repo/"
    if not URL_CHARS.fullmatch(url) or UNSAFE_IN_URL & set(url):
        return f"{wanted}, without spaces, quotes or control characters, found {url!r}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or not valid_port(parts):
        return f"{wanted}, found '{url}'"
    if "?" in url or "#" in url:
        return f"the base URL is where the site lives: it takes no ?query or #fragment, found '{url}'"
    return None


def valid_port(parts) -> bool:
    """Tell whether a split URL's port, if any, is a number from 0 to 65535."""
    try:
        parts.port
    except ValueError:
        return False
    return True


def host_problem(host: str) -> str | None:
    """Return why a CNAME setting is not a host name, or None when it is one."""
    labels = host.removesuffix(".").split(".")
    if len(host) > 253 or len(labels) < 2 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        return (f"'cname' must be a host name such as briefings.example.org (letters, digits, hyphens "
                f"and dots; no scheme or path), found {host!r}")
    return None


def with_base_url(site, base_url: str | None):
    """Return the settings with --base-url (when given) in place of site.yml's."""
    if not base_url:
        return site
    return dataclasses.replace(site, base_url=base_url if base_url.endswith("/") else base_url + "/")
