"""Lifecycle frameworks as plain data: the phases a new board starts with.

A template is data, not a code path (see ../shared/domain.md for the sources).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Phase colours, in the order a board hands them out (soft enough to carry dark text).
PHASE_COLOURS = [
    "#dbeafe",
    "#dcfce7",
    "#fef3c7",
    "#fce7f3",
    "#ede9fe",
    "#cffafe",
    "#ffedd5",
    "#e2e8f0",
]


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    phases: tuple[str, ...]


FRAMEWORKS: dict[str, Framework] = {
    f.key: f
    for f in [
        Framework(
            "clm4",
            _("Generic four-phase lifecycle"),
            (_("Awareness"), _("Consideration"), _("Purchase"), _("Loyalty")),
        ),
        Framework(
            "sales4",
            _("Lifecycle sales process"),
            (_("First impression"), _("Retention"), _("Win-back"), _("Ambassador")),
        ),
        Framework(
            "antavo",
            _("Loyalty lifecycle (Antavo)"),
            (_("Reach & Acquire"), _("Convert"), _("Retain & Reward"), _("Recognise & Reactivate")),
        ),
        Framework("race", _("RACE"), (_("Reach"), _("Act"), _("Convert"), _("Engage"))),
        Framework(
            "six_stage",
            _("Six-stage customer lifecycle"),
            (
                _("Discovery"),
                _("Engagement"),
                _("Conversion"),
                _("Retention"),
                _("Loyalty"),
                _("Advocacy"),
            ),
        ),
        Framework("infusionsoft", _("Attract · Sell · Wow"), (_("Attract"), _("Sell"), _("Wow"))),
        Framework(
            "blank",
            _("Blank four-phase line"),
            (_("Phase 1"), _("Phase 2"), _("Phase 3"), _("Phase 4")),
        ),
    ]
}

DEFAULT_FRAMEWORK = "clm4"
FRAMEWORK_CHOICES = [(f.key, f.name) for f in FRAMEWORKS.values()]
