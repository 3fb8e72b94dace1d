"""Every URL pattern of the project, found by walking the root resolver (namespaces included).

A pattern is known by its view name (``meetings:detail``); a name given to patterns with different keywords (one
view reached with and without an organisation) is known once per keyword set, as ``name(kw1,kw2)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    name: str  # the view name, for reverse()
    route: str  # the whole route, for messages
    keywords: tuple[str, ...]  # sorted


def _walk(resolver: URLResolver, namespace: str, prefix: str):
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item, inner, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            name = item.name or f"(unnamed) {prefix}{item.pattern}"
            full = f"{namespace}:{name}" if namespace else name
            keywords = tuple(sorted(item.pattern.regex.groupindex))
            yield Pattern(full, prefix + str(item.pattern), keywords)


def patterns() -> dict[str, Pattern]:
    """Every pattern by its key (the view name, qualified by its keywords when the name has several sets)."""
    found = list(_walk(get_resolver(), "", ""))
    sets: dict[str, set[tuple[str, ...]]] = {}
    for p in found:
        sets.setdefault(p.name, set()).add(p.keywords)
    keyed: dict[str, Pattern] = {}
    for p in found:
        key = p.name if len(sets[p.name]) == 1 else f"{p.name}({','.join(p.keywords)})"
        keyed.setdefault(key, p)  # a name registered twice with the same keywords (login) is one URL
    return keyed
