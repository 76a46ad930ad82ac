"""Drug tests (a result per substance) and medication dispensing (what, when, by whom):
category MEDICATION, owned by the writer's organisation."""

import datetime

from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Basis
from helhet.contacts.models import DrugTest, MedicationDispensing

from .. import factories as f
from ..people.utils import log_in, log_rows
from .conftest import disclose


def url(name, county):
    return reverse(f"contacts:{name}", args=[county.patient.pk])


def an_hour_ago() -> str:
    return (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def test_the_nurse_records_a_urine_test_with_a_result_per_substance(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        url("drug_test_new", county),
        {
            "taken_at": an_hour_ago(),
            "sample": "urine",
            "result_amphetamine": "positive",
            "result_cannabis": "negative",
        },
    )
    assert response.status_code == 302
    test = DrugTest.objects.get()
    assert (test.organisation, test.unit, test.sample) == (county.region, county.clinic, "urine")
    assert {(r.substance, r.result) for r in test.results.all()} == {
        ("amphetamine", "positive"),
        ("cannabis", "negative"),
    }
    assert [r.action for r in log_rows(county.patient)] == ["create"]


def test_a_drug_test_without_any_result_is_refused_and_nothing_saved(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        url("drug_test_new", county), {"taken_at": an_hour_ago(), "sample": "saliva"}
    )
    assert response.status_code == 200
    assert "Enter a result for at least one substance." in response.text
    assert not DrugTest.objects.exists()


def test_a_drug_test_in_the_future_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    later = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("drug_test_new", county),
        {"taken_at": later, "sample": "urine", "result_opiates": "negative"},
    )
    assert "The date and time lie in the future." in response.text
    assert not DrugTest.objects.exists()


def test_the_nurse_records_medication_handed_out_by_a_colleague(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        url("dispensing_new", county),
        {
            "medication": "Metadon oral lösning 1 mg/ml",
            "dose": "60",
            "dose_unit": "ml",
            "handed_out_at": an_hour_ago(),
            "handed_out_by": county.coordinator.pk,
        },
    )
    assert response.status_code == 302
    dispensing = MedicationDispensing.objects.get()
    assert (dispensing.handed_out_by, dispensing.recorded_by) == (county.coordinator, county.nurse)


def test_medication_cannot_be_said_to_be_handed_out_by_someone_outside_the_unit(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        url("dispensing_new", county),
        {
            "medication": "Metadon",
            "dose": "60",
            "dose_unit": "ml",
            "handed_out_at": an_hour_ago(),
            "handed_out_by": county.outsider.pk,
        },
    )
    assert response.status_code == 200 and not MedicationDispensing.objects.exists()


def test_the_social_worker_without_a_medication_disclosure_sees_no_region_tests(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts")
    f.DrugTestResultFactory(
        drug_test=f.DrugTestFactory(
            person=county.patient, unit=county.clinic, recorded_by=county.nurse
        )
    )
    f.MedicationDispensingFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse
    )
    text = log_in(client, county.social_worker, county.clinic).get(url("medication", county)).text
    assert "No drug tests you may see." in text
    assert "No medication dispensing you may see." in text


def test_the_social_worker_with_a_medication_disclosure_sees_them_as_a_disclosure(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "medication")
    f.DrugTestResultFactory(
        drug_test=f.DrugTestFactory(
            person=county.patient, unit=county.clinic, recorded_by=county.nurse
        ),
        result="positive",
    )
    f.MedicationDispensingFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse
    )
    text = log_in(client, county.social_worker, county.clinic).get(url("medication", county)).text
    assert "Amphetamine: " in text and "Buprenorfin/naloxon" in text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_medication_page_costs_the_same_queries_however_many_tests(
    client, county, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            test = f.DrugTestFactory(
                person=county.patient, unit=county.clinic, recorded_by=county.nurse
            )
            f.DrugTestResultFactory(drug_test=test)
            f.DrugTestResultFactory(drug_test=test, substance="cannabis")
            f.MedicationDispensingFactory(
                person=county.patient, unit=county.clinic, recorded_by=county.nurse
            )

    log_in(client, county.nurse, county.clinic)
    add(1)
    with django_assert_max_num_queries(20) as few:
        client.get(url("medication", county))
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("medication", county)).status_code == 200
