"""Warwick-Edinburgh Mental Wellbeing Scale: 14 items, total 14-70, no conversion (optional)."""

from connector_cli.surveys.scoring import Instrument, Item
from connector_cli.surveys.swemwbs import INTRODUCTION, OPTIONS

# Not quoted in the programme's reference: the year follows the published WEMWBS notice.
NOTICE = (
    "Warwick Edinburgh Mental Wellbeing Scale (WEMWBS) © NHS Health Scotland, "
    "University of Warwick and University of Edinburgh, 2006, all rights reserved."
)

ITEMS = (
    Item("optimistic", "I've been feeling optimistic about the future", OPTIONS),
    Item("useful", "I've been feeling useful", OPTIONS),
    Item("relaxed", "I've been feeling relaxed", OPTIONS),
    Item("interested_in_people", "I've been feeling interested in other people", OPTIONS),
    Item("energy_to_spare", "I've had energy to spare", OPTIONS),
    Item("dealing_with_problems", "I've been dealing with problems well", OPTIONS),
    Item("thinking_clearly", "I've been thinking clearly", OPTIONS),
    Item("good_about_myself", "I've been feeling good about myself", OPTIONS),
    Item("close_to_others", "I've been feeling close to other people", OPTIONS),
    Item("confident", "I've been feeling confident", OPTIONS),
    Item("own_mind", "I've been able to make up my own mind about things", OPTIONS),
    Item("loved", "I've been feeling loved", OPTIONS),
    Item("interested_in_new_things", "I've been interested in new things", OPTIONS),
    Item("cheerful", "I've been feeling cheerful", OPTIONS),
)

INSTRUMENT = Instrument(
    id="wemwbs",
    version="1.0",
    name="WEMWBS",
    title="Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)",
    introduction=INTRODUCTION,
    items=ITEMS,
    rule="sum",
    lower_is_better=False,
    band_note="No cut point is used: show the total, never a band.",
    notice=NOTICE,
    score_range=(14, 70),
    optional=True,
)
