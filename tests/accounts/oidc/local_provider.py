"""The local OpenID provider of the single sign-on tests (provider.js, run with Node on a loopback port), and a
sign-in at it driven over HTTP the way a browser would: its login form, then its consent form."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from tests.conftest import need

SCRIPT = Path(__file__).with_name("provider.js")
ROOT = SCRIPT.parents[3]
CLIENT_ID = "s55-tracker"
CLIENT_SECRET = "local-provider-client-secret"


@dataclass
class LocalProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def settings(self) -> dict[str, Any]:
        """The settings that point the app at this provider (its endpoints come from its discovery document)."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "SSO_PROVIDER_NAME": "Local Test Provider",
        }


@contextmanager
def running_provider(accounts: dict[str, dict[str, Any]], redirect_uris: list[str]) -> Iterator[LocalProvider]:
    node = shutil.which("node")
    need(node is not None, "Node is not installed (`node`)")
    need((ROOT / "node_modules" / "oidc-provider").exists(), "oidc-provider is not installed (run `npm ci`)")
    env = {
        **os.environ,
        "OIDC_ACCOUNTS": json.dumps(accounts),
        "OIDC_REDIRECT_URIS": json.dumps(redirect_uris),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }
    process = subprocess.Popen(
        [str(node), str(SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("READY "), f"the provider did not start: {line!r}"
        yield LocalProvider(issuer=line.split()[1])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.IGNORECASE)
_PROMPT = re.compile(r'name="prompt" value="([^"]+)"')


def sign_in_at_provider(authorize_url: str, login: str, redirect_uri: str) -> str:
    """Follow the provider from the authorisation request to the redirect back to the app, signing in as `login`
    and consenting; returns the URL the provider sends the browser back to (with its code and state)."""
    session = requests.Session()
    answer = session.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(12):
        if answer.is_redirect:
            target = urljoin(answer.url, answer.headers["Location"])
            if target.startswith(redirect_uri):
                return target
            answer = session.get(target, allow_redirects=False, timeout=10)
            continue
        page = answer.text
        form, prompt = _FORM.search(page), _PROMPT.search(page)
        assert answer.status_code == 200 and form and prompt, f"unexpected provider page {answer.status_code}: {page}"
        data = {"prompt": prompt.group(1)}
        if data["prompt"] == "login":
            data.update(login=login, password="any password")
        answer = session.post(urljoin(answer.url, html.unescape(form.group(1))), data=data, allow_redirects=False)
    raise AssertionError("the provider never sent the browser back")
