"""Reads of the inspections app that more than one caller needs."""

from __future__ import annotations

import difflib
import re

from inspections.models import Force

#: Words people add to a force's short name ("Norfolk Constabulary", "Dyfed-Powys Police") that HMICFRS's short
#: names leave out. Dropped from both sides before comparing.
_FORCE_SUFFIXES = re.compile(r"\s+(constabulary|police(\s+(service|force))?|service)$")


def _plain(name: str) -> str:
    text = " ".join(name.casefold().replace("&", "and").split())
    return _FORCE_SUFFIXES.sub("", text)


class ForceNotFound(LookupError):
    """No force has that name; ``near`` holds the names of the forces it most resembles (perhaps none)."""

    def __init__(self, name: str, near: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.near = near


def force_by_name(name: str) -> Force:
    """The force called `name`, however it is written: case, spacing, "&" for "and", its slug, or with the
    "Constabulary" / "Police" / "Police Service" people add ("Norfolk", "norfolk constabulary", "Metropolitan
    Police"). Raises `ForceNotFound` with the closest names otherwise."""
    wanted = _plain(name)
    forces = list(Force.objects.order_by("name"))
    for force in forces:
        if wanted in (_plain(force.name), force.slug):
            return force
    by_plain = {_plain(force.name): force.name for force in forces}
    # "Yorkshire" names the three Yorkshire forces; only a name that is part of none is compared by spelling.
    near = [by_plain[plain] for plain in by_plain if len(wanted) >= 3 and (wanted in plain or plain in wanted)]
    if not near:
        near = sorted(by_plain[plain] for plain in difflib.get_close_matches(wanted, list(by_plain), n=5, cutoff=0.6))
    raise ForceNotFound(name, near)
