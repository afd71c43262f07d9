"""The s55 checks a response must pass before it may be marked ready or published, and what is still open.

Reads only: the services refuse a write with these, the response page lists them, the reminder emails name them.
"""

from __future__ import annotations

from inspections.models import Finding, FindingKind
from responses.models import ChecklistStep, Response


def open_required_steps(response: Response) -> list[ChecklistStep]:
    """The required office-use steps not yet done for `response`, in checklist order."""
    done = set(response.checklist_items.filter(done_on__isnull=False).values_list("step_id", flat=True))
    return [step for step in ChecklistStep.objects.filter(required=True) if step.pk not in done]


def unexplained_recommendations(response: Response) -> list[Finding]:
    """s55(5B): the recommendations of the report that this response does not yet explain."""
    return [
        fr.finding
        for fr in response.finding_responses.select_related("finding").filter(finding__kind=FindingKind.RECOMMENDATION)
        if not fr.explanation.strip()
    ]


def publication_problems(response: Response, *, unexplained: list[Finding] | None = None) -> list[str]:
    """What stops this response meeting s55: each problem in words an officer can act on. `unexplained`: the
    recommendations without an explanation, when the caller has already read them (the response page has)."""
    problems = []
    missing = unexplained_recommendations(response) if unexplained is None else unexplained
    if missing:
        names = ", ".join(f"Recommendation {f.number}" for f in missing)
        problems.append(
            f"Every recommendation needs an explanation of the action taken or proposed, or why none (s55(5B)). "
            f"Missing: {names}."
        )
    if not response.cc_comments_settled():
        problems.append(
            "Record the chief constable's comments, or record that they were not received by the date set (s55(4))."
        )
    if not response.body_comments.strip():
        problems.append(f"Add {response.body.possessive} own comments on the report (s55(5)).")
    return problems
