"""Early-warning pages: who sees what, acknowledging and linking, settings, backtest, charts.

The cast is the shared one (tests/conftest.py): Olu (Derby officer) may view,
acknowledge and configure; Pat (police partner covering Normanton and
Arboretum) may view but not acknowledge; Vic (viewer) has no early warning;
Sam (Sheffield officer) must get the same 404 for Derby's alerts and areas as
for ones that do not exist.

`spike` stores two years of steady incidents in six Derby wards with a planted
spike in Normanton and Arboretum, and runs the real weekly detection for the
spike week, so the alerts and figures on the pages are the product's own.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.urls import reverse

from cohesion.areas.models import Area
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.earlywarning.models import Alert, AlertStatus, DetectionSetting, SeriesLevel
from cohesion.earlywarning.runner import run_week
from tests.integration.early_warning_data import background, store
from tests.integration.test_permissions import _without_csrf
from tests.integration.test_tension_dashboard import assess
from tests.integration.test_tensions import _scale  # noqa: F401 (autouse: the tension scale)

pytestmark = pytest.mark.django_db

START = dt.date(2024, 6, 3)
SPIKE = START + dt.timedelta(weeks=109)  # Monday 6 July 2026
WARDS = [
    "Normanton",
    "Arboretum",
    "Abbey",
    "Sinfin & Osmaston",
    "Mackworth & New Zealand",
    "Chaddesden West",
]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def spike(derby, derby_council) -> dict[str, Alert]:
    """Real alerts for the spike week: council-level Farrington and the ward scan."""
    made = background(
        start=START,
        weeks=110,
        wards=WARDS,
        per_week=4,
        spike={SPIKE: {"Normanton": 8, "Arboretum": 4}},
    )
    store(made, derby_council)
    run_week(derby, SPIKE, notify=False)
    alerts = Alert.objects.select_related("area", "strand")
    return {
        "council": alerts.get(method="farrington-flexible", strand__isnull=True),
        "religion": alerts.get(method="farrington-flexible", strand__code="religion"),
        "cluster": alerts.get(method="space-time-scan", strand__isnull=True),
    }


def text(response) -> str:
    """The page's visible words, tags stripped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|title|desc)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def svg_of(response, chart_id: str) -> ET.Element:
    html = response.content.decode()
    match = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, flags=re.DOTALL)
    assert match, f"no chart {chart_id}"
    return ET.fromstring(match.group(0))


def table_rows(response, table: str) -> list[list[str]]:
    html = response.content.decode()
    match = re.search(rf'<table[^>]*data-table="{table}".*?</table>', html, flags=re.DOTALL)
    assert match, f"no table {table}"
    body = match.group(0).split("<tbody", 1)[1]
    rows = []
    for row in re.findall(r"<tr\b.*?</tr>", body, flags=re.DOTALL):
        cells = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, flags=re.DOTALL)
        rows.append(
            [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", c))).strip() for c in cells]
        )
    return rows


# --- Who sees what --------------------------------------------------------------------------


def test_viewer_sees_no_early_warning_pages(client, vic, spike, derby):
    client.force_login(vic)
    urls = [
        reverse("alert-list"),
        reverse("alert-detail", args=[spike["council"].pk]),
        reverse("early-warning-area", args=[derby.code]),
        reverse("early-warning-backtest"),
        reverse("early-warning-settings"),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * 5
    assert "Early warning" not in text(client.get(reverse("dashboard")))


def test_signed_out_person_is_sent_to_sign_in(client, spike):
    response = client.get(reverse("alert-detail", args=[spike["council"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_officer_sees_alerts_in_plain_words_and_the_menu_link(client, olu, spike):
    client.force_login(olu)
    response = client.get(reverse("alert-list"))
    assert response.status_code == 200
    page = text(response)
    assert "4 alerts" in page
    assert (
        "15 incidents in Derby in the week of 6 July 2026, all strands. About 3.9 were "
        "expected; more than 9 would be unusual. Improved Farrington method (Noufaily 2013), "
        "comparing with the same time of year over the last 2 years, leaving out the latest "
        "26 weeks." in page
    )
    assert 'href="/early-warning/"' in response.content.decode()  # the service menu


def test_alert_list_filters_by_method_strand_area_and_status(client, olu, spike):
    client.force_login(olu)
    url = reverse("alert-list")
    assert "2 alerts" in text(client.get(url, {"method": "space-time-scan"}))
    assert "2 alerts" in text(client.get(url, {"strand": "religion"}))
    assert "2 alerts" in text(client.get(url, {"strand": "all"}))
    assert "2 alerts" in text(client.get(url, {"area": spike["cluster"].area.code}))
    assert "0 alerts" in text(client.get(url, {"status": "acknowledged"}))
    # A value that is not offered shows the error and nothing else.
    response = client.get(url, {"method": "astrology"})
    assert "0 alerts" in text(response)
    assert "govuk-error-summary" in response.content.decode()


def test_partner_sees_the_cluster_alert_in_his_wards_but_cannot_acknowledge(client, pat, spike):
    client.force_login(pat)
    page = text(client.get(reverse("alert-list")))
    # Pat covers Normanton and Arboretum: the ward cluster, not the whole council's series.
    assert "2 alerts" in page
    assert client.get(reverse("alert-detail", args=[spike["council"].pk])).status_code == 404
    response = client.get(reverse("alert-detail", args=[spike["cluster"].pk]))
    assert response.status_code == 200
    assert "Acknowledge alert" not in response.content.decode()
    post = client.post(
        reverse("alert-acknowledge", args=[spike["cluster"].pk]), {"acknowledge-reason": "Seen"}
    )
    assert post.status_code == 403
    spike["cluster"].refresh_from_db()
    assert spike["cluster"].status == AlertStatus.OPEN


def test_sheffield_officer_gets_404_for_derby_alert_and_area_like_a_missing_one(
    client, sam, spike, derby
):
    client.force_login(sam)
    missing = client.get(reverse("alert-detail", args=[999_999]))
    derby_alert = client.get(reverse("alert-detail", args=[spike["council"].pk]))
    assert missing.status_code == derby_alert.status_code == 404
    assert _without_csrf(missing.content) == _without_csrf(derby_alert.content)
    assert client.get(reverse("early-warning-area", args=[derby.code])).status_code == 404
    normanton = spike["cluster"].area.code
    assert client.get(reverse("early-warning-area", args=[normanton])).status_code == 404
    assert client.get(reverse("early-warning-area", args=["E05999999"])).status_code == 404
    ack = client.post(
        reverse("alert-acknowledge", args=[spike["council"].pk]), {"acknowledge-reason": "x"}
    )
    assert ack.status_code == 404
    assert "0 alerts" in text(client.get(reverse("alert-list")))


# --- The alert page: chart and table, acknowledge and link -----------------------------------


def test_alert_page_chart_and_table_hold_the_same_figures(client, olu, spike):
    client.force_login(olu)
    response = client.get(reverse("alert-detail", args=[spike["council"].pk]))
    assert response.status_code == 200
    svg = svg_of(response, "alert-series")
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.startswith("Weekly incidents in Derby, all strands")
    bars = [
        r.find(f"{SVG}title").text
        for r in svg.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    rows = table_rows(response, "series")
    assert len(rows) == len(bars) == 35  # 26 weeks before, the week, 8 after
    for bar, (week, observed, expected, threshold, alarm) in zip(bars, rows, strict=True):
        week = week.replace(" This alert", "")
        expected_title = f"Week of {week}: incidents {observed}"
        if expected != "\u2013":
            expected_title += f"; expected {expected}"
        if threshold != "\u2013":
            expected_title += f"; threshold {threshold}"
        if alarm.startswith("Alarm"):
            expected_title += "; alarm"
        assert bar == expected_title
    spike_row = rows[26]
    assert spike_row == ["6 Jul 2026 This alert", "15", "3.9", "9", "Alarm"]


def test_officer_acknowledges_with_a_reason(client, olu, spike):
    alert = spike["council"]
    client.force_login(olu)
    response = client.post(
        reverse("alert-acknowledge", args=[alert.pk]),
        {"acknowledge-reason": "Known: the trigger event on 5 July; partners briefed."},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("alert-detail", args=[alert.pk]), 302)]
    page = text(response)
    assert "Alert acknowledged." in page
    assert "Known: the trigger event on 5 July; partners briefed." in page
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.reason) == (
        AlertStatus.ACKNOWLEDGED,
        olu,
        "Known: the trigger event on 5 July; partners briefed.",
    )
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 1
    assert "Acknowledge alert" not in response.content.decode()


def test_a_second_answer_does_not_overwrite_the_first(client, olu, spike):
    alert = spike["council"]
    client.force_login(olu)
    url = reverse("alert-acknowledge", args=[alert.pk])
    client.post(url, {"acknowledge-reason": "First answer."})
    response = client.post(url, {"acknowledge-reason": "Second answer."}, follow=True)
    assert "This alert has already been answered." in text(response)
    alert.refresh_from_db()
    assert alert.reason == "First answer."
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).count() == 1


def test_blank_reason_shows_the_error_and_saves_nothing(client, olu, spike):
    alert = spike["council"]
    client.force_login(olu)
    response = client.post(
        reverse("alert-acknowledge", args=[alert.pk]), {"acknowledge-reason": "   "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_acknowledge-reason"' in html
    assert "Say why you are acknowledging this alert" in html
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert not AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).exists()


def test_too_long_reason_keeps_what_was_typed(client, olu, spike):
    alert = spike["council"]
    client.force_login(olu)
    typed = "Briefed the partnership. " * 100
    response = client.post(
        reverse("alert-acknowledge", args=[alert.pk]), {"acknowledge-reason": typed}
    )
    assert response.status_code == 400
    assert typed.strip() in unescape(response.content.decode())
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_officer_links_an_alert_to_an_assessment_he_can_see(client, olu, spike):
    alert = spike["cluster"]
    assessment = assess(olu, alert.area, 3, -20, -13)
    client.force_login(olu)
    page = client.get(reverse("alert-detail", args=[alert.pk])).content.decode()
    assert assessment.reference in page
    response = client.post(
        reverse("alert-link", args=[alert.pk]), {"link-assessment": str(assessment.pk)}, follow=True
    )
    assert f"Alert linked to tension assessment {assessment.reference}." in text(response)
    alert.refresh_from_db()
    assert (alert.status, alert.tension_assessment) == (AlertStatus.LINKED, assessment)
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_LINKED).count() == 1


def test_linking_an_assessment_from_another_council_is_refused(client, olu, sam, spike, sheffield):
    alert = spike["cluster"]
    assess(olu, alert.area, 3, -20, -13)
    sheffield_ward = Area.objects.current_wards(sheffield).first()
    theirs = assess(sam, sheffield_ward, 2, -20, -13)
    client.force_login(olu)
    response = client.post(
        reverse("alert-link", args=[alert.pk]), {"link-assessment": str(theirs.pk)}
    )
    assert response.status_code == 400
    assert "Choose one of the tension assessments listed" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert not AuditEvent.objects.filter(action=AuditAction.ALERT_LINKED).exists()


# --- The area series page -------------------------------------------------------------------


def test_area_page_shows_two_years_with_past_alarms_linked(client, olu, spike, derby):
    client.force_login(olu)
    response = client.get(reverse("early-warning-area", args=[derby.code]), {"strand": "religion"})
    assert response.status_code == 200
    rows = table_rows(response, "series")
    assert len(rows) == 104
    spike_rows = [r for r in rows if r[0] == "6 Jul 2026"]
    assert spike_rows and spike_rows[0][1] == "12" and spike_rows[0][4].startswith("Alarm")
    html = response.content.decode()
    assert reverse("alert-detail", args=[spike["religion"].pk]) in html
    svg = svg_of(response, "area-series")
    assert len([r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]) == 104


def test_partner_sees_his_ward_series_but_not_the_council(client, pat, spike, derby):
    client.force_login(pat)
    normanton = spike["cluster"].area if spike["cluster"].area.name == "Normanton" else None
    code = (
        normanton.code
        if normanton
        else Area.objects.current_wards(derby).get(name="Normanton").code
    )
    assert client.get(reverse("early-warning-area", args=[code])).status_code == 200
    assert client.get(reverse("early-warning-area", args=[derby.code])).status_code == 404


# --- Backtest --------------------------------------------------------------------------------


def test_backtest_counts_alarms_and_saves_nothing(client, olu, spike, derby):
    client.force_login(olu)
    before = (Alert.objects.count(), AuditEvent.objects.count(), DetectionSetting.objects.count())
    url = reverse("early-warning-backtest")
    step_one = client.get(url, {"council": derby.code, "level": "council", "method": "ears-c2"})
    assert step_one.status_code == 200
    assert 'name="baseline"' in step_one.content.decode()
    response = client.get(
        url,
        {
            "council": derby.code,
            "level": "council",
            "method": "ears-c2",
            "run": "1",
            "axis": "occurred",
            "baseline": "7",
        },
    )
    assert response.status_code == 200
    total = int(re.search(r'data-total="(\d+)"', response.content.decode()).group(1))
    weeks = table_rows(response, "weeks")
    assert len(weeks) == 104
    assert sum(int(n) for _, n in weeks) == total
    series = table_rows(response, "series")
    assert sum(int(r[1]) for r in series) == total
    svg = svg_of(response, "backtest-chart")
    bars = [
        r.find(f"{SVG}title").text
        for r in svg.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    assert bars == [f"Week of {week}: alarms {n}" for week, n in weeks]
    after = (Alert.objects.count(), AuditEvent.objects.count(), DetectionSetting.objects.count())
    assert after == before


def test_backtest_bad_option_keeps_what_was_typed(client, olu, spike, derby):
    client.force_login(olu)
    response = client.get(
        reverse("early-warning-backtest"),
        {
            "council": derby.code,
            "level": "council",
            "method": "farrington-flexible",
            "run": "1",
            "axis": "occurred",
            "alpha": "lots",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a number, like 0.01" in html
    assert 'value="lots"' in html
    assert "data-total" not in html


def test_backtest_offers_only_councils_in_scope(client, sam, spike, derby):
    client.force_login(sam)
    response = client.get(
        reverse("early-warning-backtest"),
        {"council": derby.code, "level": "council", "method": "ears-c2"},
    )
    assert "Choose one of the councils you cover" in response.content.decode()
    assert "Derby" not in text(response).replace("Derbyshire", "")


# --- Settings --------------------------------------------------------------------------------


def test_partner_has_no_settings_page(client, pat, spike):
    client.force_login(pat)
    assert client.get(reverse("early-warning-settings")).status_code == 404


def test_officer_changes_a_setting_through_the_form(client, olu, derby):
    client.force_login(olu)
    page = client.get(reverse("early-warning-settings"))
    assert page.status_code == 200
    setting = DetectionSetting.objects.get(council=derby, level=SeriesLevel.COUNCIL)
    url = reverse("early-warning-setting-edit", args=[setting.pk])
    assert url in page.content.decode()
    form = client.get(url)
    assert 'value="0.01"' in form.content.decode()  # the default setting's alpha
    response = client.post(
        url,
        {
            "axis": "reported",
            "alpha": "0.005",
            "b": "4",
            "limit54": "4,3",
            "reweight": "on",
            "trend": "on",
            "enabled": "on",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("early-warning-settings"), 302)]
    setting.refresh_from_db()
    assert setting.axis == "reported"
    assert setting.options["alpha"] == 0.005
    assert setting.options["b"] == 4
    assert list(setting.options["limit54"]) == [4, 3]
    assert AuditEvent.objects.filter(action=AuditAction.EARLY_WARNING_SETTINGS_CHANGED).count() == 1


def test_bad_setting_keeps_what_was_typed_and_saves_nothing(client, olu, derby):
    client.force_login(olu)
    client.get(reverse("early-warning-settings"))  # creates the defaults
    setting = DetectionSetting.objects.get(council=derby, level=SeriesLevel.COUNCIL)
    before = dict(setting.options)
    url = reverse("early-warning-setting-edit", args=[setting.pk])
    response = client.post(url, {"axis": "occurred", "alpha": "1.5", "b": "five", "enabled": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a whole number, like 5" in html
    assert 'value="five"' in html and 'value="1.5"' in html
    setting.refresh_from_db()
    assert setting.options == before
    assert not AuditEvent.objects.filter(action=AuditAction.EARLY_WARNING_SETTINGS_CHANGED).exists()
    # Numbers that parse but that the method refuses come back on their field too.
    response = client.post(url, {"axis": "occurred", "alpha": "1.5", "enabled": "on"})
    assert response.status_code == 400
    assert 'href="#id_alpha"' in response.content.decode()
    setting.refresh_from_db()
    assert setting.options == before


def test_sheffield_officer_cannot_open_derby_settings(client, olu, sam, derby):
    client.force_login(olu)
    client.get(reverse("early-warning-settings"))
    setting = DetectionSetting.objects.filter(council=derby).first()
    client.force_login(sam)
    assert client.get(reverse("early-warning-setting-edit", args=[setting.pk])).status_code == 404
    assert client.get(reverse("early-warning-setting-edit", args=[999_999])).status_code == 404
    assert derby.name not in text(client.get(reverse("early-warning-settings")))


def test_officer_adds_a_method(client, olu, derby):
    client.force_login(olu)
    url = reverse("early-warning-setting-new")
    query = f"?council={derby.code}&level=ward&method=ears-c3"
    assert client.get(url + query).status_code == 200
    response = client.post(url + query, {"axis": "occurred", "baseline": "8", "enabled": "on"})
    assert response.status_code == 302
    setting = DetectionSetting.objects.get(council=derby, level="ward", method="ears-c3")
    assert setting.options["baseline"] == 8
    # Asking to add it again goes to the one there is.
    assert client.get(url + query)["Location"] == reverse(
        "early-warning-setting-edit", args=[setting.pk]
    )
