"""What an id of the API looks like, so that no other text is ever put in a URL path.

Owner ids (orga_…, user_…), application ids (app_…) and hook ids (UUIDs) are letters, digits, `_`
and `-`. Anything else (`.` and `..` that a URL library resolves, `/`, `?`, `#`, `%2e`, whitespace)
would address another resource once in a path, so it is refused before any request.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def is_well_formed_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None
