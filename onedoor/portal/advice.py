"""The advice pages the portal offers. Content lives in templates/portal/advice/<slug>.html."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AdvicePage:
    slug: str
    title: str
    summary: str
    # Pages a person may be reading in secret get the Exit this page control.
    exit_page: bool = False


ADVICE_PAGES = {
    page.slug: page
    for page in [
        AdvicePage("scams-and-fraud", _("Scams and fraud"), _("Spot a scam, what to do if you have been scammed, and how to report it.")),
        AdvicePage("domestic-abuse", _("Domestic abuse"), _("Help if you, or someone you know, is being abused by a partner or family member."), exit_page=True),
        AdvicePage("lost-and-found-property", _("Lost and found property"), _("What to do if you have lost something or found something.")),
        AdvicePage("antisocial-behaviour", _("Antisocial behaviour"), _("Noise, nuisance neighbours and who deals with what.")),
        AdvicePage("hate-crime", _("Hate crime"), _("What hate crime is and the ways to report it, including through third-party reporting centres.")),
    ]
}
