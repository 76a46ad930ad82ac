"""The change-history page names the editor, organisation and unit of an edit only to a reader
who may read that organisation's enrolment at that unit; to others it says "another unit". The
changed values are the person's own details, shown as the person is."""

from helhet.core.models import User

from .. import factories as f
from .test_edit import changes_url, data, url
from .utils import log_in


def _municipality_edits_at_mini_maria(client, county):
    """A social worker of the municipality, enrolling the patient at Mini-Maria, changes the
    telephone there; returns her."""
    editor = f.UserFactory(
        username="sw_mini",
        first_name="Mini",
        last_name="Redigerare",
        organisation=county.municipality,
        profession=User.Profession.SOCIAL_WORKER,
    )
    f.MembershipFactory(user=editor, unit=county.other_unit)
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=editor)
    log_in(client, editor, county.other_unit)
    assert client.post(url(county.patient), data(county, phone="070-1234567")).status_code == 302
    client.logout()
    return editor


def test_the_history_hides_another_organisations_unit_and_editor_without_consent(client, county):
    editor = _municipality_edits_at_mini_maria(client, county)
    page = log_in(client, county.nurse, county.clinic).get(changes_url(county.patient)).text
    assert "Mini-Maria" not in page and "Testby kommun" not in page
    assert editor.get_full_name() not in page
    assert "another unit" in page
    assert "070-000 00 00 → 070-1234567" in page  # the person's own details


def test_the_history_names_the_unit_and_editor_to_the_editors_own_organisation(
    client, county, consent_for_coordination
):
    editor = _municipality_edits_at_mini_maria(client, county)
    page = log_in(client, county.social_worker, county.clinic).get(changes_url(county.patient))
    assert "Mini-Maria Testby" in page.text and editor.get_full_name() in page.text
    assert "another unit" not in page.text


def _nurse_edits_and_outsider_enrolls(client, county):
    log_in(client, county.nurse, county.clinic)
    assert client.post(url(county.patient), data(county, phone="070-55")).status_code == 302
    client.logout()
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.outsider)


def test_the_history_names_the_own_organisations_other_unit(client, county):
    _nurse_edits_and_outsider_enrolls(client, county)
    page = log_in(client, county.outsider, county.other_unit).get(changes_url(county.patient))
    assert "Socialmedicinska mottagningen" in page.text
    assert county.nurse.get_full_name() in page.text


def test_a_block_hides_the_unit_and_editor_of_an_edit_made_there(client, county):
    _nurse_edits_and_outsider_enrolls(client, county)
    f.BlockFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    page = log_in(client, county.outsider, county.other_unit).get(changes_url(county.patient))
    assert "Socialmedicinska mottagningen" not in page.text
    assert county.nurse.get_full_name() not in page.text
    assert "another unit" in page.text
