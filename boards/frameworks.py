"""Lifecycle frameworks as plain data: the phases a new board starts with, and for each
phase the example touchpoints, and the activities and KPIs a team *could* take up.

A template is data, not a code path, and each framework names its source (its
`source`). The examples are shared between frameworks whose phases mean the same thing
under another name; most come from the workshop literature, and those
that are the product's own (the B2B line, a few activities and KPIs) say so with
`ours=True`, which the UI shows as "suggested by Journeymap".

Activities and KPIs are suggestions, never facts about a team: a new board places only
the example touchpoints (boards.actions.framework_content), and the rest is offered per
phase (`phase_examples_for`) for the team to accept one by one. Nothing here touches the
database. Channels are the values of boards.models.Channel, spelled out because the
models import this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
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
class Activity:
    """Something a team typically does today, on a channel, for one of the phase's
    example touchpoints (`serves` is its index in `PhaseExamples.touchpoints`)."""

    text: str | Promise
    channel: str
    serves: int
    # The product's own suggestion, not the literature's ("suggested by Journeymap").
    ours: bool = False


@dataclass(frozen=True)
class Kpi:
    name: str | Promise
    unit: str | Promise = ""
    ours: bool = False


@dataclass(frozen=True)
class PhaseExamples:
    touchpoints: tuple[str | Promise, ...] = ()
    activities: tuple[Activity, ...] = ()
    kpis: tuple[Kpi, ...] = ()


@dataclass(frozen=True)
class Framework:
    key: str
    name: str | Promise
    phases: tuple[str | Promise, ...]
    # One entry per phase, in the same order; empty for a framework without examples.
    examples: tuple[PhaseExamples, ...] = ()
    # Where the phases come from: authors and title, shown as they are (not translated).
    source: str = ""

    def phase_examples(self) -> list[tuple[str | Promise, PhaseExamples]]:
        """Each phase name with its examples (empty ones when the framework has none)."""
        examples = self.examples or (PhaseExamples(),) * len(self.phases)
        return list(zip(self.phases, examples, strict=True))


# KPIs per stage of the six-stage model (domain.md, "KPIs per stage").

SOCIAL_IMPRESSIONS = Kpi(_("Social impressions"))
WEBSITE_TRAFFIC = Kpi(_("Website traffic"), _("visits"))
PODCAST_LISTENERS = Kpi(_("Podcast listeners"))
FOLLOWERS = Kpi(_("Followers"))
INTERACTIONS = Kpi(_("Comments, shares and likes"))
PODCAST_DOWNLOADS = Kpi(_("Podcast downloads"))
NPS = Kpi(_("Net Promoter Score"))
TRIAL_TO_PAID = Kpi(_("Free-trial-to-paid rate"), "%")
CART_ABANDONMENT = Kpi(_("Cart abandonment rate"), "%")
AVERAGE_ORDER_VALUE = Kpi(_("Average order value"))
CHURN = Kpi(_("Churn rate"), "%")
REPEAT_PURCHASE = Kpi(_("Repeat-purchase rate"), "%")
RETENTION_RATE = Kpi(_("Customer retention rate"), "%")
CLV = Kpi(_("Customer lifetime value (CLV)"))
CSAT = Kpi(_("Customer satisfaction (CSAT)"), "%")
REFERRAL_RATE = Kpi(_("Referral rate"), "%")
AFFILIATE_REVENUE = Kpi(_("Affiliate revenue"))

# Example phases, by what the phase is about rather than by any school's name for it.

DISCOVERY = PhaseExamples(
    touchpoints=(_("Social media post or ad"), _("Search result"), _("Podcast episode")),
    activities=(
        Activity(_("Organic and paid social posts"), "social", 0),
        Activity(_("SEO and search ads for the questions buyers ask"), "search", 1),
        Activity(_("Start a podcast or video series"), "content", 2),
    ),
    kpis=(SOCIAL_IMPRESSIONS, WEBSITE_TRAFFIC, PODCAST_LISTENERS),
)
ENGAGEMENT = PhaseExamples(
    touchpoints=(_("Product page visit"), _("Newsletter sign-up"), _("Comment on a post")),
    activities=(
        Activity(_("Retargeting ads for product-page visitors"), "display", 0),
        Activity(_("Nurture e-mail sequence"), "email", 1),
        Activity(_("Answering comments within a day"), "social", 2, ours=True),
    ),
    kpis=(FOLLOWERS, INTERACTIONS, PODCAST_DOWNLOADS, NPS),
)
CONVERSION = PhaseExamples(
    touchpoints=(_("Shopping cart"), _("Free trial"), _("Order confirmation")),
    activities=(
        Activity(_("Abandoned-cart e-mail"), "email", 0),
        Activity(_("Trial-ending reminder with an upgrade offer"), "email", 1, ours=True),
        Activity(_("Order and delivery confirmation e-mails"), "email", 2),
    ),
    kpis=(TRIAL_TO_PAID, CART_ABANDONMENT, AVERAGE_ORDER_VALUE),
)
RETENTION = PhaseExamples(
    touchpoints=(_("First purchase or trial"), _("Feedback request after the purchase")),
    activities=(
        Activity(_("Personal product recommendations after the first purchase"), "email", 0),
        Activity(_("Asking for feedback on the purchase"), "email", 1),
    ),
    kpis=(CHURN, REPEAT_PURCHASE, RETENTION_RATE),
)
LOYALTY = PhaseExamples(
    touchpoints=(_("Loyalty programme"), _("Customer support contact")),
    activities=(
        Activity(_("Points and rewards for repeat purchases"), "loyalty", 0),
        Activity(_("Follow-up after every support case"), "support", 1, ours=True),
    ),
    kpis=(CLV, CSAT),
)
ADVOCACY = PhaseExamples(
    touchpoints=(_("Referral programme"), _("Reviews and social mentions")),
    activities=(
        Activity(_("Reward for every friend a customer refers"), "loyalty", 0),
        Activity(_("Offers for influential advocates"), "social", 1),
    ),
    kpis=(REFERRAL_RATE, AFFILIATE_REVENUE),
)
# Antavo's first phase reaches new customers and acquires existing ones into the
# programme: word of mouth and refer-a-friend are how loyal customers bring others.
REACH_AND_ACQUIRE = PhaseExamples(
    touchpoints=(
        _("Social media post or ad"),
        _("Recommendation from a friend (word of mouth)"),
        _("Refer-a-friend invitation"),
        _("Existing customer invited to join the programme"),
    ),
    activities=(
        Activity(_("Organic and paid social posts"), "social", 0),
        Activity(_("Rewards for both sides when a friend joins"), "loyalty", 2),
        Activity(_("Inviting existing customers to join at checkout and by e-mail"), "email", 3),
    ),
    kpis=(SOCIAL_IMPRESSIONS, REFERRAL_RATE, Kpi(_("Programme sign-ups"))),
)
# The lifecycle sales process (domain.md, "Examples per phase").
FIRST_IMPRESSION = PhaseExamples(
    touchpoints=(_("Sign-up"), _("Website and app"), _("First message")),
    activities=(
        Activity(_("Welcome e-mail on sign-up"), "email", 0),
        Activity(_("Functional design of every platform a prospect meets"), "onsite", 1),
        Activity(_("First message tailored from customer data"), "email", 2),
    ),
    kpis=(WEBSITE_TRAFFIC, FOLLOWERS, NPS),
)
WIN_BACK = PhaseExamples(
    touchpoints=(_("Win-back offer"), _("Ads seen after lapsing")),
    activities=(
        Activity(_("Automated offer after a set time without purchase, sized by CLV"), "email", 0),
        Activity(_("Custom-audience ads for lapsed customers"), "social", 1),
    ),
    kpis=(CHURN, RETENTION_RATE, CLV),
)
AMBASSADOR = PhaseExamples(
    touchpoints=(_("Exclusive offer for loyal customers"), _("Referral programme")),
    activities=(
        Activity(_("Early access and exclusive offers for loyal customers"), "loyalty", 0),
        Activity(_("Referral rewards for customers who bring a friend"), "loyalty", 1),
    ),
    kpis=(REFERRAL_RATE, AFFILIATE_REVENUE, CLV),
)
# After the buy button, where a generic four-phase line puts retention and loyalty
# together (domain.md: focus on what happens after the purchase). The review request
# has no activity behind it on purpose: a worked example should show a gap to find.
AFTER_PURCHASE = PhaseExamples(
    touchpoints=(_("Delivery"), _("Review request"), _("Loyalty programme")),
    activities=(
        Activity(_("Delivery confirmation with tips for using the product"), "email", 0),
        Activity(_("Points and rewards for repeat purchases"), "loyalty", 2),
    ),
    kpis=(REPEAT_PURCHASE, CHURN, CLV),
)

# B2B: content marketing and lead nurturing matter more, and winning back a large
# account justifies a person's time (domain.md, "B2B differs").
B2B_AWARENESS = PhaseExamples(
    touchpoints=(_("Industry report or white paper"), _("LinkedIn post"), _("Webinar")),
    activities=(
        Activity(_("Guides and reports for each buying role"), "content", 0, ours=True),
        Activity(_("Thought-leadership posts by the team"), "social", 1, ours=True),
        Activity(_("Monthly webinar with a customer"), "events", 2, ours=True),
    ),
    kpis=(WEBSITE_TRAFFIC, SOCIAL_IMPRESSIONS, Kpi(_("Content downloads"), ours=True)),
)
B2B_CONSIDERATION = PhaseExamples(
    touchpoints=(_("Lead-magnet download"), _("Demo request"), _("Case study")),
    activities=(
        Activity(_("Lead-nurturing e-mails by buying stage"), "email", 0, ours=True),
        Activity(_("Sales call within a day of the request"), "phone", 1, ours=True),
        Activity(_("Case studies for each industry"), "content", 2, ours=True),
    ),
    kpis=(
        Kpi(_("Marketing-qualified leads"), ours=True),
        Kpi(_("Lead-to-opportunity rate"), "%", ours=True),
    ),
)
B2B_PURCHASE = PhaseExamples(
    touchpoints=(_("Proposal and contract"), _("Onboarding")),
    activities=(
        Activity(_("Proposal follow-up by the account manager"), "phone", 0, ours=True),
        Activity(_("Onboarding programme for the new account"), "support", 1, ours=True),
    ),
    kpis=(Kpi(_("Win rate"), "%", ours=True), Kpi(_("Sales cycle length"), _("days"), ours=True)),
)
B2B_LOYALTY = PhaseExamples(
    touchpoints=(_("Quarterly business review"), _("Renewal"), _("Lapsed large account")),
    activities=(
        Activity(_("Quarterly business review with every large account"), "phone", 0, ours=True),
        Activity(_("Renewal reminder with usage report"), "email", 1, ours=True),
        Activity(
            _("Win-back plan for large accounts: personal visit and offer"), "phone", 2, ours=True
        ),
    ),
    kpis=(RETENTION_RATE, CLV, NPS),
)

FRAMEWORKS: dict[str, Framework] = {
    f.key: f
    for f in [
        Framework(
            "clm4",
            _("Generic four-phase lifecycle"),
            (_("Awareness"), _("Consideration"), _("Purchase"), _("Loyalty")),
            (DISCOVERY, ENGAGEMENT, CONVERSION, AFTER_PURCHASE),
            "Customer Lifecycle Marketing (CLM) workshop: a line in four phases",
        ),
        Framework(
            "clm4_b2b",
            _("Generic four-phase lifecycle (B2B)"),
            (_("Awareness"), _("Consideration"), _("Purchase"), _("Loyalty")),
            (B2B_AWARENESS, B2B_CONSIDERATION, B2B_PURCHASE, B2B_LOYALTY),
            "Customer Lifecycle Marketing (CLM) workshop: a line in four phases",
        ),
        Framework(
            "sales4",
            _("Lifecycle sales process"),
            (_("First impression"), _("Retention"), _("Win-back"), _("Ambassador")),
            (FIRST_IMPRESSION, RETENTION, WIN_BACK, AMBASSADOR),
            "Lifecycle sales process in four phases (customer lifecycle marketing)",
        ),
        Framework(
            "antavo",
            _("Loyalty lifecycle (Antavo)"),
            (_("Reach & Acquire"), _("Convert"), _("Retain & Reward"), _("Recognise & Reactivate")),
            (REACH_AND_ACQUIRE, CONVERSION, LOYALTY, WIN_BACK),
            "Antavo: the customer loyalty lifecycle",
        ),
        Framework(
            "race",
            _("RACE"),
            (_("Reach"), _("Act"), _("Convert"), _("Engage")),
            (DISCOVERY, ENGAGEMENT, CONVERSION, RETENTION),
            "Smart Insights: the RACE planning framework (Dave Chaffey)",
        ),
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
            (DISCOVERY, ENGAGEMENT, CONVERSION, RETENTION, LOYALTY, ADVOCACY),
            "The six-stage customer lifecycle, with KPIs per stage",
        ),
        Framework(
            "infusionsoft",
            _("Attract · Sell · Wow"),
            (_("Attract"), _("Sell"), _("Wow")),
            (DISCOVERY, CONVERSION, AFTER_PURCHASE),
            "Infusionsoft (now Keap): Attract, Sell, Wow",
        ),
        Framework(
            "sterne_cutler",
            _("Sterne & Cutler (2000)"),
            # The fifth step is making customers advocates, not keeping them loyal.
            (_("Reach"), _("Acquisition"), _("Conversion"), _("Retention"), _("Advocacy")),
            (DISCOVERY, ENGAGEMENT, CONVERSION, RETENTION, ADVOCACY),
            "Jim Sterne and Matt Cutler, E-Metrics: Business Metrics for the New Economy (2000)",
        ),
        # No examples: for teams who want to name and fill the line themselves.
        Framework(
            "blank",
            _("Blank four-phase line"),
            (_("Phase 1"), _("Phase 2"), _("Phase 3"), _("Phase 4")),
        ),
    ]
}

DEFAULT_FRAMEWORK = "clm4"
# What a framework select offers.
FRAMEWORK_CHOICES = [(f.key, f.name) for f in FRAMEWORKS.values()]
# A board made from an organisation's own template (boards.models.BoardTemplate) follows
# no published framework: its phases are whatever the template holds.
CUSTOM_FRAMEWORK = "custom"
BOARD_FRAMEWORK_CHOICES = [*FRAMEWORK_CHOICES, (CUSTOM_FRAMEWORK, _("Organisation template"))]


def phase_examples_for(framework: str, name: str, position: int) -> PhaseExamples:
    """What a team could do in a phase called `name` at `position` of a board made from
    `framework` (a key of FRAMEWORKS, or "custom"): the examples of the phase of that
    name in the board's framework, then in any framework (a custom board's "Retention"
    means retention too), then of the same position in the board's framework: phases
    get renamed, and a suggestion for the column is still better than none. Empty
    examples when nothing matches."""
    wanted = name.strip().casefold()
    own = FRAMEWORKS.get(framework)
    others = [f for f in FRAMEWORKS.values() if f is not own]
    for candidate in [own, *others] if own is not None else others:
        for phase_name, examples in candidate.phase_examples():
            if examples.kpis and str(phase_name).casefold() == wanted:
                return examples
    if own is not None and own.examples and 0 <= position < len(own.examples):
        return own.examples[position]
    return PhaseExamples()


def kpi_suggestions(board, phase) -> list[dict]:
    """The KPIs worth suggesting for `phase` of `board`, as [{name, unit, ours}], leaving
    out those the phase has already (phase_examples_for says which)."""
    found = phase_examples_for(board.framework, phase.name, phase.position)
    taken = {str(kpi.get("name", "")).casefold() for kpi in phase.kpis}
    return [
        {"name": str(kpi.name), "unit": str(kpi.unit), "ours": kpi.ours}
        for kpi in found.kpis
        if str(kpi.name).casefold() not in taken
    ]
