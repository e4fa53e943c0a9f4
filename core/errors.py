"""The one shape of "we refuse this input, and here is why" that every core module raises."""
from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be used; `code` names the reason (a catalog message), `detail` fills its placeholders."""

    def __init__(self, code: str, **detail: object):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
