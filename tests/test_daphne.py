"""tests/daphne.py's own promise: a server that cannot start says why and where to look,
instead of a test timing out on a socket that never opens."""

from __future__ import annotations

import pytest

from tests.daphne import DaphneProcess


def test_it_names_the_log_when_daphne_cannot_start(tmp_path):
    log = tmp_path / "daphne.log"
    server = DaphneProcess(env={"DJANGO_SETTINGS_MODULE": "no_such_settings"}, log=log)

    with pytest.raises(RuntimeError, match="daphne exited with code") as failure:
        server.start()

    assert str(log) in str(failure.value)
    assert "no_such_settings" in str(failure.value)  # the log's end, quoted
    assert not server.running
