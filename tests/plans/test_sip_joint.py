"""The SIP is one joint plan: under the person's coordination consent both organisations read
and revise every version, whoever saved it, and a read of the other's is a disclosure logged
with that consent. The SIP form's relatives are read through the access, too."""

from django.urls import reverse

from helhet.access.models import Basis

from .. import factories as f
from ..people.utils import log_in, log_rows
from .conftest import disclose

# --- The relatives on the SIP form --------------------------------------------------------


def municipality_relative(county):
    return f.RelativeFactory(
        person=county.patient, recorded_by=county.social_worker, name="Bo Bror"
    )


def test_a_relative_disclosed_under_consent_on_the_sip_form_is_logged_with_the_consent(
    client, county, coordination
):
    """The municipality's relative, disclosed to the region, is a disclosure on the form."""
    municipality_relative(county)
    disclose(coordination, county, "relatives")
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("plans:sip_new", args=[county.patient.pk]))
    assert "Bo Bror" in response.text
    [row] = log_rows(county.patient)
    assert (row.what, row.basis, row.consent_id) == ("sip form", Basis.CONSENT, coordination.pk)


def test_a_relative_not_disclosed_is_not_on_the_sip_form_and_the_read_is_own_organisation(
    client, county, coordination
):
    municipality_relative(county)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("plans:sip_new", args=[county.patient.pk]))
    assert "Bo Bror" not in response.text and "Anna Anhörig" in response.text
    [row] = log_rows(county.patient)
    assert (row.what, row.basis, row.consent_id) == ("sip form", Basis.OWN_ORGANISATION, None)
