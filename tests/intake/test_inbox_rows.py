"""The inbox and the referral meeting: each open referral's row has one link, on the person's
name (its row header), to the referral."""

import re

import pytest
from django.urls import reverse

from ..people.utils import log_in
from .test_pages import referral


def open_referral_rows(text: str) -> list[str]:
    table = text[text.index("Open referrals, oldest first") :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


@pytest.mark.parametrize("page", ["intake:inbox", "intake:meeting"])
def test_each_open_referral_links_once_from_the_name_in_its_row_header(client, county, page):
    nils = referral(county, name="Nils Nyman")
    unnamed = referral(county, name="")
    log_in(client, county.nurse, county.clinic)

    rows = open_referral_rows(client.get(reverse(page)).text)

    links = [re.findall(r'<a href="([^"]+)">([^<]+)</a>', row) for row in rows]
    assert sorted(links) == sorted(
        [
            [(reverse("intake:detail", args=[nils.pk]), "Nils Nyman")],
            [(reverse("intake:detail", args=[unnamed.pk]), "Referral without a name")],
        ]
    )
    assert all(row.strip().startswith('<th scope="row"><a href=') for row in rows)
