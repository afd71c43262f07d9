"""Reads: the link a token names, and what the response page shows of the invitations."""

from __future__ import annotations

from dataclasses import dataclass, field

from forcecomments.models import CommentsLink, Invitation, Submission
from forcecomments.tokens import lookup_of
from responses.models import Response


def link_for_token(token: str) -> CommentsLink | None:
    """The link a token names, or None when it is not this site's signature or names no link."""
    lookup = lookup_of(token)
    if lookup is None:
        return None
    return (
        CommentsLink.objects.select_related("invitation__response__inspection", "invitation__response__body__force")
        .filter(lookup=lookup)
        .first()
    )


@dataclass
class ForceComments:
    """What the response page shows: every invitation (newest first) and every version received."""

    invitations: list[Invitation] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)

    @property
    def live(self) -> Invitation | None:
        return next((i for i in self.invitations if i.revoked_at is None), None)


def force_comments(response: Response) -> ForceComments:
    """No query for a response never invited (an invitation sets its invited-on date): the response page keeps its
    query budget (tests/responses/test_views_detail.py)."""
    if response.cc_invited_on is None:
        return ForceComments()
    invitations = list(
        Invitation.objects.filter(response=response)
        .select_related("created_by", "revoked_by")
        .prefetch_related("links")
        .order_by("-created_at", "-id")
    )
    if not invitations:
        return ForceComments()
    submissions = list(Submission.objects.filter(response=response).select_related("used_by").order_by("-number"))
    return ForceComments(invitations=invitations, submissions=submissions)


def submission_for_response(response: Response, pk: int) -> Submission | None:
    return Submission.objects.filter(response=response, pk=pk).prefetch_related("actions__finding").first()
