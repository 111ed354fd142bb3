"""URLs in logs and answers: the password of a URL's user-info masked, everything else kept for recognition."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
_USERINFO = re.compile(r"//[^/@]*@")


def mask_password(url: str) -> str:
    """`https://user:secret@host/path` -> `https://user:***@host/path`; a URL without a password unchanged.

    A URL that cannot be parsed loses its whole user-info (`//***@`), whatever it holds.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return _USERINFO.sub(f"//{MASK}@", url)
    if password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:{MASK}@{host}"))
