"""`{% force_comments response as fc %}`: the invitations and versions received, for the response page."""

from django import template

from forcecomments.selectors import ForceComments, force_comments
from responses.models import Response

register = template.Library()


@register.simple_tag
def force_comments_of(response: Response) -> ForceComments:
    return force_comments(response)
