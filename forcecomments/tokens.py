"""The token of a link: its random lookup, signed with the site's key. A token not signed by this site never
reaches the database; one that is signed names exactly one link."""

from __future__ import annotations

from django.core import signing

SALT = "forcecomments.link"


def _signer() -> signing.Signer:
    # Made when used, not at import: commands that need no key (makemigrations) run without SECRET_KEY.
    return signing.Signer(salt=SALT)


def token_for(lookup: str) -> str:
    return _signer().sign(lookup)


def lookup_of(token: str) -> str | None:
    """The lookup a token was signed for, or None when the signature is not this site's."""
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None


def prefix_of(token: str) -> str:
    """The part before the signature: the key of the global per-link attempt counter."""
    return token.partition(":")[0][:32]
