from auditlog.registry import auditlog

from forcecomments.models import CommentsLink, Invitation, Submission

auditlog.register(Invitation)
auditlog.register(CommentsLink)
auditlog.register(Submission)
