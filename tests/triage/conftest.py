"""The rules are tested on their own: the learned layer (onedoor.triage.learned) would change
grades the rule tests pin down. Tests of the layer itself, and of the engine as it runs in
production, are marked ``@pytest.mark.learned``."""

import pytest


@pytest.fixture(autouse=True)
def _rules_alone_unless_marked(request, monkeypatch):
    if request.node.get_closest_marker("learned") is None:
        monkeypatch.setenv("ONEDOOR_TRIAGE_LEARNED", "off")
