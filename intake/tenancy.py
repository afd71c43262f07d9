"""Which forces a user may name on an inspection, its grades and its findings: tenancy for the shared facts.

An inspection is a public fact, but naming a force on it is not harmless: saving it opens a response for every
active body whose force it concerns, and from then on that body's dashboard, audit trail and reminders carry it. So

- a national superuser (a superuser with no body) may name any force;
- a body's staff may name their own body's force only — on a new inspection, when changing one (which they may do
  only while it concerns no other force and no other body responds to it), and on its grades and findings. A
  national (thematic) report is no exception: they may record it about their own force, or about none, and a
  national administrator names the other forces;
- anyone else names no force and changes no inspection.

The admin's inspection form and its grade and finding rows check the forces they add with `check_forces`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from inspections.models import Force, Inspection


def names_any_force(user: Any) -> bool:
    """A national superuser may name any force."""
    return bool(getattr(user, "is_national", False))


def own_force(user: Any) -> Force | None:
    """The force of the user's body, or None for a user with no body (or no user)."""
    return user.body.force if getattr(user, "body_id", None) else None


def forces_refused(user: Any, forces: Iterable[Force], *, already: Iterable[Force] = ()) -> list[Force]:
    """The forces in `forces` (those not `already` on the record) that `user` may not name, by name."""
    if names_any_force(user):
        return []
    kept = {force.pk for force in already}
    own = own_force(user)
    refused = {force.pk: force for force in forces if force.pk not in kept and (own is None or force.pk != own.pk)}
    return sorted(refused.values(), key=lambda force: force.name)


def _and(names: list[str]) -> str:
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def refusal(user: Any, refused: list[Force], *, what: str = "inspections of") -> str:
    """Why `refused` cannot be named, naming the forces: 'You can add inspections of Norfolk only; …'."""
    names = [force.name for force in refused]
    own = own_force(user)
    if own is None:
        return (
            f"Only a national administrator can add {what} {_and(names)}: your account belongs to no local "
            "policing body."
        )
    if len(names) == 1:
        return f"You can add {what} {own.name} only; {names[0]}'s office adds its own."
    return f"You can add {what} {own.name} only; the offices of {_and(names)} add their own."


def check_forces(
    user: Any, forces: Iterable[Force], *, already: Iterable[Force] = (), what: str = "inspections of"
) -> None:
    """Raise a ValidationError naming the forces `user` may not add to a record (see the module's rule)."""
    refused = forces_refused(user, forces, already=already)
    if refused:
        raise ValidationError(refusal(user, refused, what=what), code="other_force")


def may_change_inspection(user: Any, inspection: Inspection | None) -> bool:
    """May `user` change (or delete) `inspection` — or, with None, add one?

    Changing an inspection (its publication date above all) moves every responding body's legal dates, so a body's
    staff may change one only while it concerns no force but their own and no other body responds to it.
    """
    if names_any_force(user):
        return True
    own = own_force(user)
    if own is None:
        return False
    if inspection is None:
        return True
    other_forces = inspection.forces.exclude(pk=own.pk).exists()
    other_bodies = inspection.responses.exclude(body_id=user.body_id).exists()
    return not other_forces and not other_bodies
