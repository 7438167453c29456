"""`{% vite_entry "src/main.tsx" %}`: the <link> and <script> tags of a Vite entry, by its hashed file names.

`vite build` (frontend/, run by .ci/setup.sh) writes the bundle and .vite/manifest.json into
settings.DESIGNER_APP_DIR, which staticfiles serves under designer-app/. The manifest maps each entry to its
hashed JavaScript and CSS files; it is re-read whenever the file changes, so a rebuild needs no restart. Scripts
are external files (the Content-Security-Policy allows no inline script or style).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django import template
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join

register = template.Library()

STATIC_PREFIX = "designer-app"

_cache: dict[Path, tuple[int, dict]] = {}


@dataclass(frozen=True)
class Entry:
    script: str  # static path, e.g. designer-app/assets/main-1a2b3c.js
    styles: tuple[str, ...]


def manifest_path() -> Path:
    return Path(settings.DESIGNER_APP_DIR) / ".vite" / "manifest.json"


def _manifest() -> dict:
    path = manifest_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"The designer is not built: {path} is missing. Run `bash .ci/setup.sh` "
            "(or `npm ci && npm run build` in frontend/).") from None
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, json.loads(path.read_text()))
        _cache[path] = cached
    return cached[1]


def entry(name: str) -> Entry:
    """The static paths of Vite entry `name` (its key in the manifest, e.g. "src/main.tsx") and of its CSS."""
    manifest = _manifest()
    chunk = manifest.get(name)
    if chunk is None or not chunk.get("isEntry"):
        raise ImproperlyConfigured(f"{manifest_path()} has no entry '{name}' (entries: "
                                   f"{', '.join(k for k, v in manifest.items() if v.get('isEntry')) or 'none'})")
    styles, seen, pending = [], set(), [name]
    # An entry's CSS includes that of the chunks it imports statically.
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        styles.extend(css for css in manifest[key].get("css", ()) if css not in styles)
        pending.extend(manifest[key].get("imports", ()))
    return Entry(script=f"{STATIC_PREFIX}/{chunk['file']}", styles=tuple(f"{STATIC_PREFIX}/{css}" for css in styles))


@register.simple_tag
def vite_entry(name: str):
    found = entry(name)
    links = format_html_join("", '<link rel="stylesheet" href="{}">\n', ((static(css),) for css in found.styles))
    return format_html('{}<script type="module" src="{}"></script>', links, static(found.script))
