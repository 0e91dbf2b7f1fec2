"""App tests: the real Streamlit app on demo data and on a temporary store, driven by AppTest."""
from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import disclosure
import indicators
import page_figures
from data_loaders import load_return
from pypdf import PdfReader
from render.pack import build_pack, pack_pdf
from render.workbook import pack_workbook
from child_data import annex_a_identifiers
from shared_data import SSDA903
from store import Store
from units import format_value

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DEMO = ROOT / "data" / "demo_return.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = ["pages/summary.py", "pages/dashboard.py", "pages/attention.py", "pages/explore.py",
         "pages/comparison.py", "pages/upload.py", "pages/history.py", "pages/commentary.py", "pages/pack.py"]


@pytest.fixture(autouse=True)
def fresh_app(tmp_path, monkeypatch):
    """Each test gets an empty store of its own and no cached data from another test."""
    monkeypatch.setenv("DASHBOARD_STORE_PATH", str(tmp_path / "store.sqlite"))
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    monkeypatch.delenv("DASHBOARD_EDITOR_PASSCODE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def demo():
    """The demo return and its monthly summary, worked out by the engine directly."""
    ret = load_return(DEMO)
    return ret, indicators.summarise(ret, "month")


def started(**query) -> AppTest:
    """The app after its first run, with URL query parameters."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html(at: AppTest) -> str:
    """Every st.html body on the page, joined."""
    return "\n".join(element.proto.body for element in at.get("html"))


def shown(at: AppTest, indicator_id: str) -> page_figures.Shown:
    """What the page shows for an indicator's figures (its one element that shows them)."""
    found = [item for item in page_figures.read(html(at))[indicator_id] if item.breakdown is None]
    assert len(found) == 1, found
    return found[0]


def counts_of(at: AppTest, indicator_id: str) -> str:
    """The counts cell beside an indicator's figure in the summary table ('44 of 254')."""
    row = re.search(rf'<tr data-indicator="{indicator_id}".*?</tr>', html(at), re.DOTALL)[0]
    return re.findall(r'<td class="num">([^<]*)</td>', row)[0]


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to a page and run it, failing on any exception."""
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def saved_store(tmp_path) -> Store:
    """The test's store holding the demo return as version 1."""
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    store.save_version(data=DEMO.read_bytes(), filename="demo_return.xlsx", author="test", note="", kind="return",
                       source_kind="workbook", mode="complete", ret=load_return(DEMO))
    return store


def demo_with(changes: dict[tuple[str, str, str], dict[str, float]]) -> bytes:
    """The demo workbook with some Values cells changed, keyed by (indicator, period, breakdown)."""
    book = openpyxl.load_workbook(DEMO)
    sheet = book["Values"]
    header = [cell.value for cell in sheet[1]]
    where = {name: header.index(name) for name in header}
    for row in sheet.iter_rows(min_row=2):
        key = (row[where["indicator_id"]].value, str(row[where["period"]].value), row[where["breakdown"]].value or "")
        for column, value in changes.get(key, {}).items():
            row[where[column]].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_every_page_runs_on_demo_data():
    at = started()
    for page in PAGES:
        open_page(at, page)
        assert "Demo data" in html(at), page


def test_summary_shows_each_indicator_with_counts_target_and_rag(demo):
    _, summary = demo
    at = started()
    page = html(at)
    assert "Data as at October 2026 · showing October 2026" in page
    for _, row in summary.iterrows():
        figure = shown(at, row["indicator_id"])
        assert (figure.value, figure.rag, figure.direction) == (format_value(row["value"], row["unit"]), row["rag"],
                                                                row["direction"])
    re_referrals = summary.set_index("indicator_id").loc["CSC03"]
    # 44 of 254 re-referrals in October 2026: 44 / 254 = 17.32% -> 17.3%, target 20% lower is better -> green
    assert (re_referrals["numerator"], re_referrals["denominator"]) == (44, 254)
    assert (shown(at, "CSC03").value, counts_of(at, "CSC03"), shown(at, "CSC03").rag) == ("17.3%", "44 of 254", "green")
    assert "Key." in page and "Improving" in page


def test_quarter_view_aggregates_months_and_compares_like_for_like(demo):
    ret, _ = demo
    at = started(freq="Quarter", period="Q3 2026-27")
    assert at.sidebar.radio[0].value == "quarter" and at.sidebar.selectbox[0].value == "2026-27 Q3"
    months = ret.values[(ret.values["indicator_id"] == "CSC03") & (ret.values["breakdown"] == "")]
    october = months[months["period"] == "2026-10"]
    # Q3 so far is October alone: 44 / 254 = 17.3%, compared with July 2026 alone, not all of Q2
    july = months[months["period"] == "2026-07"].iloc[0]
    row = re.search(r'<tr data-indicator="CSC03".*?</tr>', html(at), re.DOTALL)[0]
    assert shown(at, "CSC03").value == format_value(100 * october["numerator"].sum() / october["denominator"].sum(),
                                                    "percent") == "17.3%"
    assert f"from {format_value(july['value'], 'percent')} (July 2026)" in row
    assert "Q3 2026-27 to October 2026" in row


def test_dashboard_page_shows_charts_definitions_and_commentary(demo):
    at = started(dashboard="7 Missing from Home and Care", freq="Quarter", period="Q2 2026-27")
    open_page(at, "pages/dashboard.py")
    page = html(at)
    assert shown(at, "MFH07").commentary.startswith("Return home interviews within 72 hours remain below target")
    assert "Definition." in page
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 8
    assert any("Missing incidents" in chart.proto.spec for chart in charts)
    overview = page_figures.read(page)["MFH01"]
    assert {item.breakdown for item in overview} >= {"", "From home", "From care"}


def test_an_earlier_periods_commentary_is_offered_as_earlier_and_explains_nothing():
    at = started(dashboard="7 Missing from Home and Care")  # October 2026; the commentary is for Q2 2026-27
    open_page(at, "pages/dashboard.py")
    assert shown(at, "MFH07").commentary == ""
    assert "Earlier commentary (Q2 2026-27)" in html(at)
    assert "Return home interviews within 72 hours remain below target" in html(at)


def test_committee_mode_suppresses_small_counts(demo):
    ret, _ = demo
    table = indicators.period_values(ret, "month")
    october = table[(table["period"] == "2026-10") & (table["indicator_id"] == "MFH05")]
    small = october[disclosure.is_small(october["value"])]
    assert not small.empty, "the demo should have a small duration band in October 2026 to test suppression"
    at = started(view="present")
    first = html(at)
    assert "Needs attention" in first and "screen 1 of" in first
    assert not at.sidebar.radio, "committee mode must not show the sidebar filters"
    missing_screen = next(n for n in range(1, 15)
                          if "<h1>7 Missing from Home and Care</h1>" in html(started(view="present", screen=str(n))))
    at = started(view="present", screen=str(missing_screen))
    bands = {item.breakdown: item.value for item in page_figures.read(html(at))["MFH05"] if item.breakdown}
    for band in small["breakdown"]:
        assert bands[band] == disclosure.SYMBOL
    assert disclosure.FOOTNOTE.replace("'", "&#x27;") in html(at)


def test_officer_view_shows_the_small_counts_committee_mode_hides(demo):
    ret, _ = demo
    table = indicators.period_values(ret, "month")
    october = table[(table["period"] == "2026-10") & (table["indicator_id"] == "MFH05") & disclosure.is_small(table["value"])]
    at = started(dashboard="7 Missing from Home and Care")
    open_page(at, "pages/dashboard.py")
    bands = {item.breakdown: item.value for item in page_figures.read(html(at))["MFH05"] if item.breakdown}
    for band, value in zip(october["breakdown"], october["value"]):
        assert bands[band] == f"{value:.0f}"


def test_upload_preview_confirm_then_summary_shows_new_figure(tmp_path):
    store = saved_store(tmp_path)
    # October 2026 re-referrals revised from 44 of 254 to 60 of 254: 60 / 254 = 23.62% -> 23.6%
    revised = demo_with({("CSC03", "2026-10", ""): {"numerator": 60}})
    at = open_page(started(), "pages/upload.py")
    at.file_uploader[0].set_value(("october.xlsx", revised, XLSX)).run()
    assert not at.exception
    assert {metric.label: metric.value for metric in at.metric}["Revised"] == "1"
    assert "passed every check" in at.success[0].value
    at.text_input(key="editor_name_upload a return").input("Alex Officer").run()
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert not at.exception
    assert len(store.versions()) == 2
    assert store.versions().iloc[0]["author"] == "Alex Officer"
    at = open_page(at, "pages/summary.py")
    assert (shown(at, "CSC03").value, counts_of(at, "CSC03")) == ("23.6%", "60 of 254")
    assert "Demo data" not in html(at)


def test_bad_upload_lists_problems_and_changes_nothing(tmp_path):
    store = saved_store(tmp_path)
    before = store.state_token()
    bad = b"indicator_id,period,numerator,denominator\nNOPE01,2026-10,1,2\nCSC03,2026-13,5,4\n"
    at = open_page(started(), "pages/upload.py")
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    assert "cannot be used yet: 3 problems" in at.error[0].value
    problems = at.dataframe[0].value
    assert list(problems["Row"]) == ["2", "3", "3"]
    assert list(problems["Column"]) == ["indicator_id", "period", "numerator"]
    assert "unknown indicator 'NOPE01'" in problems["Problem"][0]
    assert "'2026-13' has no month 13" == problems["Problem"][1]
    assert "the numerator 5 is larger than the denominator 4" in problems["Problem"][2]
    assert not [button for button in at.button if button.label == "Confirm and save"]
    assert store.state_token() == before


def test_wrong_passcode_saves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_EDITOR_PASSCODE", "correct horse")
    store = saved_store(tmp_path)
    revised = demo_with({("CSC03", "2026-10", ""): {"numerator": 60}})
    at = open_page(started(), "pages/upload.py")
    assert "Editing is open to anyone" not in html(at)
    at.file_uploader[0].set_value(("october.xlsx", revised, XLSX)).run()
    at.text_input(key="editor_name_upload a return").input("Mallory").run()
    at.text_input(key="editor_passcode_upload a return").input("wrong").run()
    assert any("passcode is not right" in error.value for error in at.error)
    confirm = next(button for button in at.button if button.label == "Confirm and save")
    assert confirm.disabled
    assert len(store.versions()) == 1


def test_wrong_passcodes_make_the_next_try_wait_and_are_logged_without_the_attempt(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DASHBOARD_EDITOR_PASSCODE", "correct horse")
    saved_store(tmp_path)
    at = open_page(started(), "pages/commentary.py")
    box = at.text_input(key="editor_passcode_save commentary")
    for attempt in range(5):
        box.input(f"guess {attempt}").run()
        assert any("passcode is not right" in error.value for error in at.error)
    at.text_input(key="editor_name_save commentary").input("Mallory").run()  # a rerun does not count again
    box.input("correct horse").run()  # the sixth try, right or wrong, must wait first
    assert any(error.value.startswith("Too many wrong passcodes: try again in 1 seconds") for error in at.error)
    assert next(button for button in at.button if button.label == "Save commentary").disabled
    logged = [record.getMessage() for record in caplog.records if record.name == "dashboard.access"]
    assert logged[-1].startswith("wrong editor passcode, 5 in a row") and len(logged) == 5
    assert not any("guess" in message for message in logged)


def test_sign_in_set_up_wrongly_closes_editing_instead_of_opening_it(tmp_path):
    saved_store(tmp_path)
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "https://x/oauth2callback", "cookie_secret": "s",
                          "microsoft": {"client_id": "id", "client_secret": "c",  # "well-knwon": a typing mistake
                                        "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/"
                                                               ".well-knwon/openid-configuration"}}
    at.run()
    open_page(at, "pages/commentary.py")
    assert "Editing is open to anyone" not in html(at)
    closed = [error.value for error in at.error if error.value.startswith("Editing is closed")]
    assert closed and "server\\_metadata\\_url must be an https address" in closed[0]
    assert next(button for button in at.button if button.label == "Save commentary").disabled
    assert not at.text_input  # no name or passcode to type: nobody can edit until it is fixed


def test_commentary_written_in_the_app_shows_on_the_dashboard(tmp_path):
    saved_store(tmp_path)
    at = open_page(started(), "pages/commentary.py")
    at.selectbox(key="commentary_subject").set_value("indicator:CP04").run()
    at.selectbox(key="commentary_period").set_value("2026-10").run()
    at.text_area[0].input("Second plans rose after two large sibling groups <script>alert(1)</script>").run()
    at.text_input(key="editor_name_save commentary").input("Sam").run()
    next(button for button in at.button if button.label == "Save commentary").click().run()
    assert not at.exception
    at.query_params["dashboard"] = "4 Child Protection"
    open_page(at, "pages/dashboard.py")
    assert shown(at, "CP04").commentary == "Second plans rose after two large sibling groups <script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in html(at)


def test_withdraw_and_restore_from_history(tmp_path):
    store = saved_store(tmp_path)
    revised = demo_with({("CSC03", "2026-10", ""): {"numerator": 60}})
    second = store.save_version(data=revised, filename="october.xlsx", author="test", note="", kind="return",
                                source_kind="workbook", mode="partial", ret=load_return(revised))
    at = open_page(started(), "pages/history.py")
    at.selectbox(key="history_version").set_value(second).run()
    at.text_input(key=f"reason_{second}").input("Sent in error").run()
    at.text_input(key="editor_name_withdraw a version").input("Alex").run()
    next(button for button in at.button if button.label == f"Withdraw version {second}").click().run()
    assert not at.exception
    assert store.versions().set_index("id").loc[second, "status"] == "withdrawn"
    at = open_page(at, "pages/summary.py")
    assert counts_of(at, "CSC03") == "44 of 254"


def test_needs_attention_flags_red_without_commentary(demo):
    _, summary = demo
    at = open_page(started(), "pages/attention.py")
    listed = page_figures.read(html(at))
    red = summary[summary["rag"] == "red"]
    assert set(red["indicator_id"]) <= set(listed)
    unexplained = red[~red["explained"]]
    assert not unexplained.empty, "the demo keeps some red indicators without commentary for October 2026"
    assert html(at).count("No explanation yet") == len(unexplained)
    assert f"{len(unexplained)} red indicators have no explanation for October 2026 yet." in \
        [warning.value for warning in at.warning]


@pytest.mark.usefixtures("needs_ssda903")
def test_child_level_upload_keeps_only_aggregates(tmp_path):
    store = saved_store(tmp_path)
    data = (SSDA903 / "missing.csv").read_bytes()
    lines = data.decode("utf-8").splitlines()[1:]
    children = {line.split(",")[0] for line in lines}
    births = {line.split(",")[1] for line in lines}
    assert all(mentions(data.decode(), reference) for reference in children | births)  # the check can see them
    at = open_page(started(), "pages/upload.py")
    at.radio(key="upload_kind").set_value("ssda903_missing").run()
    at.file_uploader[0].set_value(("missing.csv", data, "text/csv")).run()
    assert "passed every check" in at.success[0].value
    at.text_input(key="editor_name_upload a return").input("Alex").run()
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert not at.exception
    versions = store.versions()
    assert len(versions) == 2 and versions.iloc[0]["source_kind"] == "child_level"
    store.close()
    dump = sqlite_dump(tmp_path / "store.sqlite")
    leaked = [reference for reference in children | births if mentions(dump, reference)]
    assert leaked == [], "child references or dates of birth reached the store"
    ret = Store(f"sqlite:///{tmp_path / 'store.sqlite'}").current_return()
    november = ret.values[(ret.values["indicator_id"] == "MFH01") & (ret.values["period"] == "2017-11")]
    # November 2017 in the fake table: 4 missing (M) and 4 away (A) incidents, one child with one of each
    assert dict(zip(november["breakdown"], november["value"])) == {"": 8.0, "Missing": 4.0,
                                                                    "Away without authorisation": 4.0}
    text, cells = pack_text(ret, "2017-11")
    assert [reference for reference in children | births if mentions(text, reference) or mentions(cells, reference)] == []


def pack_text(ret, period: str) -> tuple[str, str]:
    """The text of the meeting pack's PDF and every cell of its workbook, for a return as at a month."""
    published = disclosure.public_report(indicators.report(ret, "month", period))
    pack = build_pack(published, "Authority", "Committee", "mean")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pack_pdf(pack, images={}))).pages)
    book = openpyxl.load_workbook(io.BytesIO(pack_workbook(published, pack.about())))
    return text, " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)


def test_an_annex_a_upload_keeps_no_child_reference_birth_date_or_worker_name(tmp_path, caplog):
    """Through the Upload page: the store, every message the page shows, the log and the pack."""
    identifiers = annex_a_identifiers(ANNEX_A_OCTOBER.read_bytes())
    assert len(identifiers) > 1_000 and all(mentions(text, text) for text in identifiers)  # the check can see them
    store = saved_store(tmp_path)
    at = upload_annex_a(started(), ANNEX_A_OCTOBER)
    shown_text = " ".join(str(element.value) for kind in ("markdown", "success", "info", "warning", "caption")
                          for element in at.get(kind)) + html(at)
    at.text_input(key="editor_name_upload a return").input("Alex").run()
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert not at.exception and store.versions().iloc[0]["source_kind"] == "child_level"
    store.close()
    dump = sqlite_dump(tmp_path / "store.sqlite")
    text, cells = pack_text(Store(f"sqlite:///{tmp_path / 'store.sqlite'}").current_return(), "2026-10")
    places = {"store": dump, "page": shown_text, "log": caplog.text, "PDF pack": text, "Excel pack": cells}
    leaked = {place: sorted(i for i in identifiers if mentions(found, i))[:5] for place, found in places.items()}
    assert leaked == dict.fromkeys(places, [])


def mentions(text: str, reference: str) -> bool:
    """True when `reference` appears as a whole token (not inside a longer number or a hash). Found with
    str.find, not a regular expression: the privacy tests look for thousands of references in megabytes."""
    start = text.find(reference)
    while start >= 0:
        end = start + len(reference)
        if not (start and _TOKEN_CHARACTER.match(text[start - 1])) and not (end < len(text) and
                                                                            _TOKEN_CHARACTER.match(text[end])):
            return True
        start = text.find(reference, start + 1)
    return False


_TOKEN_CHARACTER = re.compile("[0-9A-Za-z]")


def sqlite_dump(path: Path) -> str:
    """Every stored cell of every table of a SQLite file as text, except row ids and keys to them."""
    connection = sqlite3.connect(path)
    cells = []
    for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')
                   if row[1] not in ("id", "version_id") and not row[5]]
        for row in connection.execute(f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)} FROM "{table}"'):
            cells += [cell.decode("utf-8", "replace") if isinstance(cell, bytes) else str(cell) for cell in row]
    connection.close()
    return "\n".join(cells)


def test_explore_plots_chosen_indicators_together_with_a_table():
    at = open_page(started(), "pages/explore.py")
    assert at.multiselect(key="explore").value == ["EH01", "EH02"]
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "EH01 Requests for Early Help support" in spec and "EH02 Early Help assessments completed" in spec
    table = at.dataframe[0].value
    assert list(table.columns) == ["Period", "EH01 Requests for Early Help support", "EH02 Early Help assessments completed"]
    assert table["Period"].iloc[0] == "October 2026"


def test_uploading_the_same_file_again_is_pointed_out(tmp_path):
    saved_store(tmp_path)
    at = open_page(started(), "pages/upload.py")
    at.file_uploader[0].set_value(("demo_return.xlsx", DEMO.read_bytes(), XLSX)).run()
    assert any("already saved as version 1 by test" in warning.value for warning in at.warning)
    # 4,033 Values rows: 3,923 plus CP06 and CLA07 for 55 months (April 2022 to October 2026)
    assert {metric.label: metric.value for metric in at.metric}["Unchanged"] == "4,033"


def test_switching_to_a_real_authority_shows_its_published_and_neighbour_figures(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    store.set_setting("la_code", "872", "test")  # Wokingham
    at = started(dashboard="3 Children's Social Care Front Door")
    open_page(at, "pages/dashboard.py")
    page = html(at)
    # Published 2024-25 re-referrals (DfE table C1): Wokingham 16.8%, England 22.6%, South East 28.4%;
    # neighbours' median 19.4% (15.8 ... 19.2 | 19.6 ... 23.8, worked in tests/test_benchmarking.py), the default
    # as on DfE's dashboard; rank 5 of 15, quartile B; dated as DfE dates it.
    section = re.search(r'<h3 id="csc03">.*?(?=<h3 )', page, re.DOTALL)[0]
    card = re.search(r'<caption style="font-size:1rem">Published: year to 31 March 2025</caption>.*?</table>',
                     section, re.DOTALL)[0]
    for shown_here in ("This authority (published)</td><td class='num'>16.8%", "England</td><td class='num'>22.6%",
                       "South East</td><td class='num'>28.4%",
                       "Statistical neighbours (median of 10)</td><td class='num'>19.4%", "5 of 15 · quartile B"):
        assert shown_here in card
    trend = next(chart.proto.spec for chart in at.get("vega_lite_chart") if "Re-referrals within 12 months" in chart.proto.spec)
    assert "Statistical neighbours" in trend and "Published (this authority)" in trend


def test_an_ees_file_uploaded_is_versioned_and_used(tmp_path):
    store = saved_store(tmp_path)
    source = ROOT / "data" / "ees" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025__extract.csv"
    at = open_page(started(), "pages/upload.py")
    at.radio(key="upload_kind").set_value("ees").run()
    at.file_uploader[0].set_value(("c1_referrals.csv", source.read_bytes(), "text/csv")).run()
    assert {metric.label: metric.value for metric in at.metric}["Local authorities"] == "15"
    at.text_input(key="editor_name_upload a return").input("Alex").run()
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert not at.exception
    assert [(version_id, name) for version_id, name, _ in store.ees_sources()] == [(2, "c1_referrals.csv")]
    open_page(at, "pages/comparison.py")
    assert '<h3 id="csc03-">Re-referrals within 12 months</h3>' in html(at)


def comparison_section(at: AppTest, indicator_id: str) -> str:
    """The comparison page's words for one indicator, tags dropped, from its heading to the next."""
    page = html(at)
    start = page.index(f'<h3 id="{indicator_id.lower()}-"')
    end = page.find("<h3", start + 1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:end if end > 0 else None]))


def test_the_comparison_page_and_the_pack_show_the_measures_dashboards_4_and_5_asked_for(tmp_path, monkeypatch):
    """Wokingham's figures as published in data/ees (D5, placement stability, number of social workers)."""
    import ui.cached
    monkeypatch.setattr(ui.cached, "chart_pool", lambda: None)  # drawn in this process
    saved_store(tmp_path).set_setting("la_code", "872", "test")
    at = open_page(started(), "pages/comparison.py")
    # D5 2025: Wokingham's 2 years or more is c; England 2.3%, South East 2.5%
    assert "at 31 March 2025 c (suppressed to protect confidential information) 2.3% 2.5%" in \
        comparison_section(at, "CP06")
    # placement stability 2025, same carer for 2 years: Wokingham 18 children, 58%; England 69%; South East 68%
    assert "at 31 March 2025 58% 69% 68%" in comparison_section(at, "CLA07")
    social_workers = comparison_section(at, "CLA03")
    # number of social workers 2024 (reporting year 2024 = 2023-24), 3 or more: Wokingham 14, 10%; England 27%
    assert "year to 31 March 2024 10% 27% 25%" in social_workers
    assert "DfE counts children in care at 31 March who had 3 or more social workers during the year" in social_workers

    # every authority's figure for one measure, on demand: placement stability 2024-25, Wokingham's bar marked
    at.selectbox(key="every_measure").set_value("cla07-").run()
    table = at.dataframe[-1].value
    assert table.set_index("Code").loc["872", "Value"] == 58 and len(table) == 15  # the extract's 15 authorities
    assert any("Long-term placement stability" in chart.proto.spec for chart in at.get("vega_lite_chart"))

    open_page(at, "pages/pack.py")
    next(button for button in at.button if button.label == "Make the meeting pack").click().run()
    assert not at.exception
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(at.session_state["pack_files"]["pdf"])).pages)
    text = re.sub(r"\s+", " ", text)
    assert "DfE counts children in care at 31 March who had 3 or more social workers during the year" in text
    assert "whose plan had lasted 2 years or more" in text


def test_wall_display_rotates_through_screens_by_itself():
    at = started(view="present", rotate="30")
    page = html(at)
    assert "screen " in page and " of 10" in page
    assert not [button for button in at.button if button.label == "Next ▶"], "a wall display has no controls"


def test_after_an_upload_the_officer_looking_at_the_latest_month_moves_to_the_new_one(tmp_path):
    saved_store(tmp_path)
    at = started()
    assert at.sidebar.selectbox[0].value == "2026-10"  # the latest month, as every officer first sees it
    november = b"indicator_id,period,numerator,denominator\nCSC03,2026-11,50,250\n"
    open_page(at, "pages/upload.py")
    at.file_uploader[0].set_value(("november.csv", november, "text/csv")).run()
    at.text_input(key="editor_name_upload a return").input("Alex").run()
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert not at.exception
    open_page(at, "pages/summary.py")
    assert at.sidebar.selectbox[0].value == "2026-11"
    assert "Data as at November 2026 · showing November 2026" in html(at)
    assert shown(at, "CSC03").value == "20.0%"  # 50 / 250
    open_page(at, "pages/pack.py")
    assert "The pack for **November 2026**" in at.markdown[0].value


def test_an_officer_looking_at_an_earlier_month_stays_on_it_after_an_upload(tmp_path):
    store = saved_store(tmp_path)
    at = started(period="2026-08")
    assert at.sidebar.selectbox[0].value == "2026-08"
    store.save_version(data=b"x", filename="november.csv", author="test", note="", kind="return",
                       source_kind="csv", mode="partial",
                       ret=load_return(b"indicator_id,period,numerator,denominator\nCSC03,2026-11,50,250\n",
                                       "november.csv", catalogue=load_return(DEMO).indicators))
    open_page(at, "pages/summary.py")
    assert at.sidebar.selectbox[0].value == "2026-08"
    assert "Data as at November 2026 · showing August 2026" in html(at)


def test_committee_mode_link_carries_the_chosen_period_to_a_fresh_browser():
    at = started(freq="Quarter", period="Q2 2026-27")
    next(button for button in at.sidebar.button if button.label == "Open committee mode").click().run()
    assert not at.exception
    link = dict(at.query_params)
    assert link == {"view": "present", "at": "2026-27 Q2"}
    fresh = started(**link)  # another browser: no session, only the link
    assert "<strong>Q2 2026-27</strong>" in html(fresh)
    figures = page_figures.read(html(fresh))
    quarter = indicators.summarise(load_return(DEMO), "quarter", "2026-27 Q2").set_index("indicator_id")
    for indicator_id, items in figures.items():
        assert items[0].rag in (quarter.loc[indicator_id, "rag"], "withheld")


def test_a_save_after_someone_else_saved_shows_the_new_preview_first(tmp_path):
    store = saved_store(tmp_path)
    mine = demo_with({("CSC03", "2026-10", ""): {"numerator": 60}})
    at = open_page(started(), "pages/upload.py")
    at.file_uploader[0].set_value(("october.xlsx", mine, XLSX)).run()
    at.text_input(key="editor_name_upload a return").input("Alex").run()
    assert {metric.label: metric.value for metric in at.metric}["Revised"] == "1"  # 44 -> 60 of 254
    theirs = demo_with({("CSC03", "2026-10", ""): {"numerator": 50}})  # another officer, another tab
    store.save_version(data=theirs, filename="theirs.xlsx", author="Sam", note="", kind="return",
                       source_kind="workbook", mode="partial", ret=load_return(theirs))
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert not at.exception
    assert len(store.versions()) == 2  # not saved over Sam's figure unseen
    assert any(warning.value.startswith("Someone saved a change since this preview") for warning in at.warning)
    assert {metric.label: metric.value for metric in at.metric}["Revised"] == "1"  # now 50 -> 60: seen first
    assert at.text_input(key="editor_name_upload a return").value == "Alex"  # nothing typed is lost
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert len(store.versions()) == 3 and store.versions().iloc[0]["author"] == "Alex"


def test_a_child_level_list_is_previewed_as_it_is_saved(tmp_path):
    saved_store(tmp_path)
    at = open_page(started(), "pages/upload.py")
    at.radio(key="upload_kind").set_value("missing_log").run()
    assert not [radio for radio in at.radio if radio.key == "upload_mode"]  # it only ever adds or revises


ANNEX_A_OCTOBER = ROOT / "data" / "demo_annex_a_2026-10.xlsx"
ANNEX_A_NOVEMBER = ROOT / "data" / "demo_annex_a_2026-11.xlsx"


def upload_annex_a(at: AppTest, path: Path, months: int = 12) -> AppTest:
    """Upload an Annex A export on the Upload page, reporting `months` months."""
    open_page(at, "pages/upload.py")
    at.radio(key="upload_kind").set_value("annex_a").run()
    at.number_input(key="annex_a_months").set_value(months).run()
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_annex_a_maps_onto_the_return_and_brings_the_dashboards_up_to_date(tmp_path):
    store = saved_store(tmp_path)
    at = upload_annex_a(started(), ANNEX_A_OCTOBER)
    assert any("passed every check" in success.value for success in at.success)
    mapping = {box.key.removeprefix("annex_a_map_"): box.value for box in at.selectbox
               if box.key and box.key.startswith("annex_a_map_")}
    # suggested from titles, units and aggregation: referrals are CSC01, re-referrals CSC03 ...; contacts are new
    assert (mapping["AA04"], mapping["AA05"], mapping["AA14"], mapping["AA01"]) == ("CSC01", "CSC03", "CLA01", "")
    # AA13 is suggested as the demo's CP06 (plans open 2 years or more), which the fake export was not made
    # to reproduce: the officer keeps it as a new indicator instead
    assert mapping["AA13"] == "CP06"
    at.selectbox(key="annex_a_map_AA13").set_value("").run()
    counts = {metric.label: int(metric.value.replace(",", "")) for metric in at.metric}
    # the October export reproduces the demo's months: every mapped figure is unchanged, the new ones are new
    assert counts["Revised"] == 0 and counts["Unchanged"] > 0 and counts["New"] > 0
    at.text_input(key="editor_name_upload a return").input("Alex").run()
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    assert not at.exception and len(store.versions()) == 2
    assert store.versions().iloc[0]["source_kind"] == "child_level"
    assert store.get_setting("annex_a_mapping")  # next month's export needs no choices

    at = upload_annex_a(at, ANNEX_A_NOVEMBER)
    assert {box.key: box.value for box in at.selectbox if box.key == "annex_a_map_AA05"} == \
        {"annex_a_map_AA05": "CSC03"}  # the saved choice
    counts = {metric.label: int(metric.value.replace(",", "")) for metric in at.metric}
    assert counts["New"] > 0 and counts["Revised"] > 0  # November arrives; late recording revises October
    assert "⚠ Revised" in set(at.dataframe[0].value["Change"])  # earlier months marked
    at.text_input(key="editor_name_upload a return").input("Alex").run()
    next(button for button in at.button if button.label == "Confirm and save").click().run()
    open_page(at, "pages/summary.py")
    assert "Data as at November 2026 · showing November 2026" in html(at)
    november = load_return(DEMO)  # what CSC01 would be without Annex A: it had no November at all
    assert november.values[(november.values["indicator_id"] == "CSC01")]["period"].max() == "2026-10"
    assert shown(at, "CSC01").value != "—"  # referrals for November, straight from Annex A
