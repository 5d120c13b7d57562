"""KPIs over time, read from a board state (pure: nothing here touches the database):
a KPI's readings as a sparkline for the panels, and what changed in the KPIs between
two states for the version compare (boards/snapshots.py compare_states).

A KPI (an item of a phase's `kpis`, boards/schema.py) carries `readings`, dated figures
oldest first; its `value` is the latest reading's once it has any (boards/plans.py
kpi_reading_add keeps it so)."""

from __future__ import annotations

from django.utils.translation import gettext as _

DASH = "\u2013"  # an en dash: no figure


def figure(value: float | None) -> str:
    """A KPI figure as people write it: 21 rather than 21.0; a dash for none."""
    return DASH if value is None else f"{value:g}"


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def sparkline(kpi: dict, *, width: int = 120, height: int = 32, pad: int = 3) -> dict | None:
    """The KPI's readings as a small line chart: {width, height, points (an SVG polyline's
    points, oldest left), last {x, y} (the latest reading's dot), target (its line's y, or
    None), label (the chart in words, for screen readers)}. None with no readings. The
    target is drawn too when it lies outside the readings' range, so the distance to it
    shows; coordinates are text, so no locale writes a decimal comma into the SVG."""
    readings = kpi.get("readings") or []
    if not readings:
        return None
    values = [reading["value"] for reading in readings]
    target = kpi.get("target")
    low = min([*values, *([target] if target is not None else [])])
    high = max([*values, *([target] if target is not None else [])])
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return pad + (height - 2 * pad) * (1 - (value - low) / span)

    step = (width - 2 * pad) / max(len(values) - 1, 1)
    xs = [pad + index * step for index in range(len(values))]
    if len(values) == 1:
        xs = [width / 2]
    points = " ".join(
        f"{_coordinate(x)},{_coordinate(y(v))}" for x, v in zip(xs, values, strict=True)
    )
    first, last = readings[0], readings[-1]
    words = {
        "name": kpi["name"],
        "first": figure(first["value"]),
        "first_date": first["date"],
        "last": figure(last["value"]),
        "last_date": last["date"],
        "unit": kpi.get("unit", ""),
    }
    if len(readings) == 1:
        label = _("%(name)s: %(last)s %(unit)s on %(last_date)s") % words
    else:
        label = (
            _("%(name)s: from %(first)s on %(first_date)s to %(last)s %(unit)s on %(last_date)s")
            % words
        )
    if target is not None:
        label += " · " + _("target %(target)s") % {"target": figure(target)}
    return {
        "width": width,
        "height": height,
        "points": points,
        "last": {"x": _coordinate(xs[-1]), "y": _coordinate(y(values[-1]))},
        "target": None if target is None else _coordinate(y(target)),
        "label": " ".join(label.split()),
    }


def kpi_changes(old: dict, new: dict) -> list[dict]:
    """What changed in the KPIs from `old` to `new` (two board states), by phase (matched
    by id, else by name) and KPI name: [{phase, name, change ("added", "removed" or
    "changed"), was, now (the figures as "value → target unit"), readings (readings added
    since, a count)}], in the new board's phase order."""

    def kpis_by_phase(state: dict) -> dict:
        return {
            phase["id"]: (phase["name"], {kpi["name"]: kpi for kpi in phase.get("kpis", [])})
            for phase in sorted(state["phases"], key=lambda p: p["position"])
        }

    before, after = kpis_by_phase(old), kpis_by_phase(new)
    by_name = {name: kpis for name, kpis in before.values()}

    def shown(kpi: dict) -> str:
        text = figure(kpi.get("value"))
        if kpi.get("target") is not None:
            text += f" → {figure(kpi['target'])}"
        return f"{text} {kpi.get('unit', '')}".strip()

    changes = []
    for phase_id, (name, now) in after.items():
        then = before[phase_id][1] if phase_id in before else by_name.get(name, {})
        for kpi_name, kpi in now.items():
            was = then.get(kpi_name)
            if was is None:
                changes.append(
                    {
                        "phase": name,
                        "name": kpi_name,
                        "change": "added",
                        "was": "",
                        "now": shown(kpi),
                        "readings": len(kpi.get("readings", [])),
                    }
                )
                continue
            old_dates = {(r["date"], r["value"]) for r in was.get("readings", [])}
            added = sum((r["date"], r["value"]) not in old_dates for r in kpi.get("readings", []))
            if shown(was) != shown(kpi) or added:
                changes.append(
                    {
                        "phase": name,
                        "name": kpi_name,
                        "change": "changed",
                        "was": shown(was),
                        "now": shown(kpi),
                        "readings": added,
                    }
                )
        for kpi_name, kpi in then.items():
            if kpi_name not in now:
                changes.append(
                    {
                        "phase": name,
                        "name": kpi_name,
                        "change": "removed",
                        "was": shown(kpi),
                        "now": "",
                        "readings": 0,
                    }
                )
    return changes
