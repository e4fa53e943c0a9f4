"""nginx (Debian's package: `make nginx`, part of `make test`) for the balancer tests: under CI its absence fails."""
import os

import pytest

from deploy.serve import NGINX


def require_nginx() -> str:
    if not (os.path.exists(NGINX) and os.access(NGINX, os.X_OK)):
        if os.environ.get("CI"):
            pytest.fail(f"CI: nginx not found at {NGINX}; the test command installs it (`make nginx`, apt nginx)")
        pytest.skip(f"nginx not found at {NGINX} (outside CI only; `make nginx` installs it)")
    return NGINX
