"""Board templates: the lifecycle frameworks with their example cards, links and KPI
suggestions (boards/frameworks.py), and the organisation's own saved templates."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from boards.actions import board_create, template_create_from_board
from boards.forms import BoardCreateForm
from boards.frameworks import FRAMEWORKS, kpi_suggestions, phase_examples_for
from boards.live.protocol import ProtocolError, kpis
from boards.models import (
    COLUMN_WIDTH,
    Arrow,
    BoardTemplate,
    Card,
    CardKind,
    CardLink,
    Channel,
    Phase,
)
from boards.selectors import board_gaps, board_state
from journeymap.access import Can, role_allows
from journeymap.models import Role
from tests.factories import make_card, make_link
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

WITH_EXAMPLES = [key for key, framework in FRAMEWORKS.items() if framework.examples]


def _create(org, user, framework: str, *, examples: bool, **kwargs):
    return board_create(
        organisation=org,
        title=f"{framework} board",
        framework=framework,
        created_by=user,
        examples=examples,
        **kwargs,
    )


def _phases(board) -> list[Phase]:
    return list(board.phases.order_by("position"))


# The published frameworks.


@pytest.mark.parametrize("key", list(FRAMEWORKS))
def test_it_creates_the_phases_a_framework_names_and_no_cards_without_examples(key, org, members):
    board = _create(org, members["editor"], key, examples=False)

    assert [p.name for p in _phases(board)] == [str(name) for name in FRAMEWORKS[key].phases]
    assert [p.position for p in _phases(board)] == list(range(len(FRAMEWORKS[key].phases)))
    assert all(p.kpis == [] for p in _phases(board))
    assert not Card.objects.filter(board=board).exists()
    assert not CardLink.objects.filter(board=board).exists()
    assert board.framework == key
    assert board.rev == 0


@pytest.mark.parametrize("key", WITH_EXAMPLES)
def test_it_places_only_the_example_touchpoints_and_suggests_the_rest(key, org, members):
    framework = FRAMEWORKS[key]
    board = _create(org, members["editor"], key, examples=True)
    phases = _phases(board)

    assert [p.name for p in phases] == [str(name) for name in framework.phases]
    for phase, (_name, examples) in zip(phases, framework.phase_examples(), strict=True):
        cards = Card.objects.filter(board=board, phase=phase)
        assert sorted(cards.values_list("text", flat=True)) == sorted(
            str(text) for text in examples.touchpoints
        )
        assert set(cards.values_list("kind", flat=True)) == {CardKind.TOUCHPOINT}
        # Activities and KPIs are what the team could do: offered, never placed.
        assert phase.kpis == []
        assert [s["name"] for s in kpi_suggestions(board, phase)] == [
            str(k.name) for k in examples.kpis
        ]
    assert not CardLink.objects.filter(board=board).exists()
    assert all(card.author_id == members["editor"].pk for card in Card.objects.filter(board=board))


@pytest.mark.parametrize("key", list(FRAMEWORKS))
def test_it_shows_a_fresh_board_from_any_template_at_0_percent_covered(key, org, members):
    gaps = board_gaps(_create(org, members["editor"], key, examples=True))

    assert gaps["totals"]["covered_touchpoints"] == 0
    assert gaps["totals"]["coverage"] in (0, None)  # None: the blank line has no touchpoints
    assert gaps["totals"]["phases_without_activity"] == len(FRAMEWORKS[key].phases)
    assert gaps["totals"]["phases_without_kpi"] == len(FRAMEWORKS[key].phases)


@pytest.mark.parametrize("key", WITH_EXAMPLES)
def test_it_lays_example_cards_out_in_their_columns_without_overlap(key, org, members):
    board = _create(org, members["editor"], key, examples=True)
    for phase in _phases(board):
        cards = list(Card.objects.filter(board=board, phase=phase))
        for card in cards:
            # x is relative to the phase's column (docs/protocol.md, "Geometry").
            assert card.x >= 0
            assert card.x + card.w <= COLUMN_WIDTH
            assert card.y >= 0
            # The column under the card's centre is its own.
            assert 0 <= card.x + card.w / 2 < COLUMN_WIDTH
        for n, one in enumerate(cards):
            for other in cards[n + 1 :]:
                apart = (
                    one.x + one.w <= other.x
                    or other.x + other.w <= one.x
                    or one.y + one.h <= other.y
                    or other.y + other.h <= one.y
                )
                assert apart, (one.text, other.text)
        lowest_touchpoint = max(
            (c.y + c.h for c in cards if c.kind == CardKind.TOUCHPOINT), default=0
        )
        assert all(c.y > lowest_touchpoint for c in cards if c.kind == CardKind.ACTIVITY)


@pytest.mark.parametrize("key", list(FRAMEWORKS))
def test_it_keeps_example_data_within_the_protocols_limits(key):
    framework = FRAMEWORKS[key]
    assert not framework.examples or len(framework.examples) == len(framework.phases)
    for _name, examples in framework.phase_examples():
        suggestions = [
            {"name": str(k.name), "value": None, "target": None, "unit": str(k.unit)}
            for k in examples.kpis
        ]
        assert kpis("kpis", suggestions) == suggestions  # what phase.update would accept
        for activity in examples.activities:
            assert activity.channel in Channel.values
            assert activity.channel  # an example activity says where it happens
            assert 0 <= activity.serves < len(examples.touchpoints)


def test_it_adds_no_examples_to_the_blank_line(org, members):
    board = _create(org, members["editor"], "blank", examples=True)
    assert [p.name for p in _phases(board)] == ["Phase 1", "Phase 2", "Phase 3", "Phase 4"]
    assert not Card.objects.filter(board=board).exists()
    assert all(p.kpis == [] for p in _phases(board))


def test_it_offers_a_b2b_variant_of_the_four_phase_line_as_its_own_suggestions():
    assert FRAMEWORKS["clm4_b2b"].phases == FRAMEWORKS["clm4"].phases
    loyalty = phase_examples_for("clm4_b2b", "Loyalty", 3)
    win_back = loyalty.activities[2]
    # Content marketing, lead nurturing, and winning back large accounts.
    assert str(win_back.text) == "Win-back plan for large accounts: personal visit and offer"
    assert str(loyalty.touchpoints[win_back.serves]) == "Lapsed large account"
    # The B2B line is the product's own, and says so.
    for _name, examples in FRAMEWORKS["clm4_b2b"].phase_examples():
        assert all(activity.ours for activity in examples.activities)


def test_it_renders_the_frameworks_as_their_sources_do():
    assert [str(p) for p in FRAMEWORKS["sterne_cutler"].phases][-1] == "Advocacy"
    discovery = phase_examples_for("six_stage", "Discovery", 0)
    assert "Start a podcast or video series" in [str(a.text) for a in discovery.activities]
    reach = phase_examples_for("antavo", "Reach & Acquire", 0)
    touchpoints = [str(t) for t in reach.touchpoints]
    assert "Recommendation from a friend (word of mouth)" in touchpoints
    assert "Refer-a-friend invitation" in touchpoints
    assert "Existing customer invited to join the programme" in touchpoints
    assert all(f.source for f in FRAMEWORKS.values() if f.examples)
    assert not any(a.ours for a in phase_examples_for("sales4", "Win-back", 2).activities)


def test_it_suggests_the_six_stage_kpis_for_each_stage(org, members):
    board = _create(org, members["editor"], "six_stage", examples=True)
    names = {p.name: [k["name"] for k in kpi_suggestions(board, p)] for p in _phases(board)}
    assert names["Discovery"] == ["Social impressions", "Website traffic", "Podcast listeners"]
    assert names["Conversion"] == [
        "Free-trial-to-paid rate",
        "Cart abandonment rate",
        "Average order value",
    ]
    assert names["Advocacy"] == ["Referral rate", "Affiliate revenue"]


# KPI suggestions for a phase.


def test_it_suggests_kpis_the_phase_does_not_have_yet(org, members):
    board = _create(org, members["editor"], "six_stage", examples=False)
    retention = _phases(board)[3]
    assert kpi_suggestions(board, retention) == [
        {"name": "Churn rate", "unit": "%", "ours": False},
        {"name": "Repeat-purchase rate", "unit": "%", "ours": False},
        {"name": "Customer retention rate", "unit": "%", "ours": False},
    ]
    retention.kpis = [{"name": "churn rate", "value": 3, "target": 2, "unit": "%"}]
    assert [s["name"] for s in kpi_suggestions(board, retention)] == [
        "Repeat-purchase rate",
        "Customer retention rate",
    ]


def test_it_suggests_by_name_across_frameworks_then_by_position(org, members):
    board = _create(org, members["editor"], "clm4", examples=False)
    phases = _phases(board)
    phases[0].name = "Advocacy"  # renamed: the name says more than the column
    assert [s["name"] for s in kpi_suggestions(board, phases[0])] == [
        "Referral rate",
        "Affiliate revenue",
    ]
    phases[1].name = "Our own name"
    assert kpi_suggestions(board, phases[1])[0]["name"] == "Followers"
    blank = _create(org, members["editor"], "blank", examples=False)
    assert kpi_suggestions(blank, _phases(blank)[0]) == []


# The create form.


def test_it_offers_examples_by_default(org, client_for):
    text = page_text(client_for("editor").get(reverse("board_create", args=[org.id])))
    assert "Start with example touchpoints" in text
    assert 'type="checkbox" name="examples"' in text
    assert "checked" in text
    assert BoardCreateForm().fields["examples"].initial is True


def test_it_reads_the_examples_checkbox(org):
    form = BoardCreateForm({"title": "Shop", "framework": "race", "examples": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "title": "Shop",
        "framework": "race",
        "examples": True,
        "template": None,
    }
    form = BoardCreateForm({"title": "Shop", "framework": "race"})  # unticked
    assert form.is_valid()
    assert form.cleaned_data["examples"] is False


# The organisation's own templates.


@pytest.fixture
def worked_board(board, members):
    """The conftest board with a KPI, an opportunity with details, a link, and a deleted
    card and link that must not travel."""
    phases = _phases(board)
    phases[0].kpis = [{"name": "Website traffic", "value": 1200, "target": 2000, "unit": "visits"}]
    phases[0].save(update_fields=["kpis"])
    phases[0].colour = "#123456"
    phases[0].save(update_fields=["colour"])
    ad = Card.objects.get(board=board, text="Instagram ad")
    mail = Card.objects.get(board=board, text="Welcome e-mail")
    idea = make_card(
        board,
        kind=CardKind.OPPORTUNITY,
        phase=phases[0],
        x=240,
        y=300,
        text="Lookalike audiences",
        channel="social",
        priority="high",
        owner=members["editor"],
        kpi="Website traffic",
    )
    loose = make_card(board, kind=CardKind.NOTE, x=-700, y=40, text="Parking lot")
    make_link(board, mail, ad)
    make_link(board, idea, ad)
    gone = make_card(board, kind=CardKind.ACTIVITY, text="Binned", deleted=True)
    make_link(board, gone, ad, deleted=True)
    assert loose.phase is None
    return board


def test_it_saves_a_board_as_a_template_without_its_ids(worked_board, members):
    template = template_create_from_board(
        board=worked_board, name="  Webshop starter ", actor=members["editor"]
    )

    template.refresh_from_db()
    assert template.name == "Webshop starter"
    assert template.organisation_id == worked_board.organisation_id
    assert template.created_by_id == members["editor"].pk
    content = template.content
    assert [p["name"] for p in content["phases"]] == [
        "Awareness",
        "Consideration",
        "Purchase",
        "Loyalty",
    ]
    assert content["phases"][0]["colour"] == "#123456"
    assert content["phases"][0]["kpis"][0]["name"] == "Website traffic"
    texts = [card["text"] for card in content["cards"]]
    assert sorted(texts) == ["Instagram ad", "Lookalike audiences", "Parking lot", "Welcome e-mail"]
    idea = content["cards"][texts.index("Lookalike audiences")]
    assert idea == {
        "kind": "opportunity",
        "phase": 0,
        "x": 240,
        "y": 300,
        "w": 180,
        "h": 110,
        "text": "Lookalike audiences",
        "colour": "",
        "channel": "social",
        "priority": "high",
        "kpi": "Website traffic",
    }  # no id, author or owner
    assert content["cards"][texts.index("Parking lot")]["phase"] is None
    assert sorted((texts[k["from"]], texts[k["to"]]) for k in content["links"]) == [
        ("Lookalike audiences", "Instagram ad"),
        ("Welcome e-mail", "Instagram ad"),
    ]
    assert "arrows" not in content
    board_ids = {str(card.id) for card in Card.objects.filter(board=worked_board)}
    assert not any(ident in str(content) for ident in board_ids)


def test_it_creates_a_board_from_an_organisation_template(worked_board, org, members):
    template = template_create_from_board(
        board=worked_board, name="Webshop starter", actor=members["editor"]
    )

    board = board_create(
        organisation=org,
        title="Webshop 2028",
        framework="clm4",  # ignored: the template decides
        created_by=members["facilitator"],
        template=template,
    )

    assert board.framework == "custom"
    old, new = board_state(worked_board), board_state(board)
    assert [(p["name"], p["colour"], p["kpis"]) for p in new["phases"]] == [
        (p["name"], p["colour"], p["kpis"]) for p in old["phases"]
    ]
    fields = ("kind", "x", "y", "w", "h", "text", "colour", "channel", "priority", "kpi")

    def summary(state):
        position = {p["id"]: p["position"] for p in state["phases"]}
        return sorted(
            (tuple(card[f] for f in fields), position.get(card["phase"])) for card in state["cards"]
        )

    assert summary(new) == summary(old)
    texts = {card["id"]: card["text"] for card in new["cards"]}
    assert sorted((texts[k["from"]], texts[k["to"]]) for k in new["links"]) == [
        ("Lookalike audiences", "Instagram ad"),
        ("Welcome e-mail", "Instagram ad"),
    ]
    assert not set(texts) & {card["id"] for card in old["cards"]}  # new ids
    assert all(card["owner"] is None for card in new["cards"])
    assert all(card["author"] == members["facilitator"].pk for card in new["cards"])
    assert new["arrows"] == []
    assert not Arrow.objects.filter(board=board).exists()
    assert new["board"]["rev"] == 0


def test_it_lets_editors_save_templates_and_refuses_viewers_and_strangers(
    worked_board, members, outsider
):
    assert role_allows(Role.EDITOR, Can.SAVE_TEMPLATE)
    assert not role_allows(Role.VIEWER, Can.SAVE_TEMPLATE)
    for who in (members["viewer"], outsider):
        with pytest.raises(PermissionDenied):
            template_create_from_board(board=worked_board, name="Mine", actor=who)
    assert not BoardTemplate.objects.exists()
    template_create_from_board(board=worked_board, name="Ours", actor=members["editor"])
    assert BoardTemplate.objects.get().name == "Ours"


def test_it_refuses_an_empty_or_taken_template_name(worked_board, members):
    template_create_from_board(board=worked_board, name="Starter", actor=members["editor"])
    with pytest.raises(ValidationError) as taken:
        template_create_from_board(board=worked_board, name="Starter", actor=members["owner"])
    assert "template of that name already" in str(taken.value)
    with pytest.raises(ValidationError):
        template_create_from_board(board=worked_board, name="   ", actor=members["owner"])
    assert BoardTemplate.objects.count() == 1


def test_it_lists_the_organisations_templates_in_the_framework_select(worked_board, org, members):
    template = template_create_from_board(
        board=worked_board, name="Webshop starter", actor=members["editor"]
    )
    form = BoardCreateForm(organisation=org)
    groups = dict(form.fields["framework"].choices)
    assert [key for key, _name in groups["Your organisation's templates"]] == [
        f"template:{template.pk}"
    ]
    assert "clm4" in dict(groups["Lifecycle frameworks"])

    form = BoardCreateForm(
        {"title": "From ours", "framework": f"template:{template.pk}", "examples": "on"},
        organisation=org,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["template"] == template
    assert form.cleaned_data["framework"] == "custom"
    assert form.cleaned_data["examples"] is False
    board = board_create(
        organisation=org,
        created_by=members["editor"],
        title=form.cleaned_data["title"],
        framework=form.cleaned_data["framework"],
        examples=form.cleaned_data["examples"],
        template=form.cleaned_data["template"],
    )
    assert Card.objects.filter(board=board).count() == 4


def test_it_refuses_a_strangers_template(worked_board, org, members, outsider):
    other_org = outsider.memberships.get().organisation
    other_board = board_create(
        organisation=other_org, title="Theirs", framework="race", created_by=outsider
    )
    theirs = template_create_from_board(board=other_board, name="Secret", actor=outsider)

    form = BoardCreateForm(
        {"title": "Stolen", "framework": f"template:{theirs.pk}"}, organisation=org
    )

    assert not form.is_valid()
    assert form.errors["framework"] == ["Choose one of the frameworks in the list."]
    assert "Secret" not in str(BoardCreateForm(organisation=org)["framework"])
    with pytest.raises(PermissionDenied):
        board_create(
            organisation=org,
            title="Stolen",
            framework="custom",
            created_by=members["editor"],
            template=theirs,
        )
    # Without an organisation (or with none of its own) only frameworks are offered.
    assert not BoardCreateForm({"title": "Stolen", "framework": f"template:{theirs.pk}"}).is_valid()


def test_it_registers_the_new_models_in_the_admin():
    assert admin.site.is_registered(CardLink)
    assert admin.site.is_registered(BoardTemplate)


def test_it_keeps_template_content_readable_by_the_protocol(worked_board, members):
    # A template's KPIs are what phase.update accepts (a hand-made content would not be).
    template = template_create_from_board(
        board=worked_board, name="Starter", actor=members["editor"]
    )
    for phase in template.content["phases"]:
        assert kpis("kpis", phase["kpis"]) == phase["kpis"]
    with pytest.raises(ProtocolError):
        kpis("kpis", [{"name": "NPS", "value": "high"}])
