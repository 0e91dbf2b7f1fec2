"""The real app in headless Chromium: deep links, summary, filters, dashboards, committee mode, pack, upload.

Expected figures are worked out here from data/demo_return.xlsx with the app's own pure
modules (indicators.summarise, units.format_value), so the tests check what a member would
read on the screen against the demo data, not against numbers copied from a screenshot.
Every step leaves a PNG in test-artifacts/browser/.

Two tests run on servers of their own: the deep link must be the very first request a newly
started server sees (that is when Streamlit once ran a pages/ file without app.py), and the
upload test writes to its store. The others share one server on an empty store (demo data).
"""
from __future__ import annotations

import functools
import io
import re
import urllib.parse

import openpyxl
import pandas as pd
import pypdf
import pytest

import disclosure
import indicators
from data_loaders import load_child_level, load_return
from periods import Period
from ui.text import WORD_JOINER
from units import format_value

from .helpers import REPO, VIEWPORT, open_app, shot, wait_for_app

pytestmark = pytest.mark.browser

DEMO_PATH = REPO / "data" / "demo_return.xlsx"
PACK_SECONDS = 120
CHART = "[data-testid='stVegaLiteChart'] .marks"  # Vega's drawing (svg or canvas), not a toolbar icon
SMALL_COUNT = re.compile(r"(?<![\d.,])[1-5] (?:of|÷) \d|\d (?:of|÷) [1-5](?![\d.,])")
PAGE_NUMBER = re.compile(r"page \d+ of \d+")
MISSING = "7 Missing from Home and Care"
FRONT_DOOR = "3 Children's Social Care Front Door"


def expect(target, **kwargs):
    """Playwright's auto-retrying assertions (imported late: the module must load without Playwright)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target, **kwargs)


# --- the demo figures the pages should show -------------------------------------------------------------

@functools.cache
def demo():
    """The demo return the app shows when its store is empty."""
    return load_return(DEMO_PATH)


def shown(summary: pd.DataFrame, indicator_id: str) -> str:
    """An indicator's value as the summary table prints it, e.g. `17.3%`."""
    row = summary.set_index("indicator_id").loc[indicator_id]
    return format_value(row["value"], row["unit"])


def latest(frequency: str) -> Period:
    """The newest period of a frequency in the demo (what the sidebar picks first)."""
    return indicators.available_periods(demo(), frequency)[0]


def earlier_period_with_another_value(frequency: str, indicator_id: str) -> Period:
    """The newest period before the latest whose displayed value differs from the latest's."""
    now = shown(indicators.summarise(demo(), frequency, latest(frequency)), indicator_id)
    for period in indicators.available_periods(demo(), frequency)[1:]:
        if shown(indicators.summarise(demo(), frequency, period), indicator_id) != now:
            return period
    raise AssertionError(f"no earlier {frequency} where {indicator_id} differs from {now}")


def small_breakdown(indicator_id: str) -> tuple[str, int]:
    """A breakdown of `indicator_id` whose latest-month count is 1 to 5 in the demo, with that count."""
    values = indicators.period_values(demo(), "month")
    rows = values[(values["indicator_id"] == indicator_id) & (values["period"] == latest("month").label)
                  & (values["breakdown"] != "") & values["value"].between(1, 5)]
    assert not rows.empty, f"the demo has no small {indicator_id} breakdown in {latest('month').display()}"
    return rows["breakdown"].iloc[0], int(rows["value"].iloc[0])


def month_with_small_counts() -> tuple[Period, pd.DataFrame]:
    """The newest month whose summary has a count, numerator or denominator from 1 to 5 (to be `c` in the pack)."""
    for period in indicators.available_periods(demo(), "month"):
        summary = indicators.summarise(demo(), "month", period)
        counts = summary["value"].where(summary["unit"] == "count")
        small = summary[disclosure.is_small(counts) | disclosure.is_small(summary["numerator"])
                        | disclosure.is_small(summary["denominator"])]
        if not small.empty:
            return period, small
    raise AssertionError("the demo has no month with a small count")


# --- reading the page -----------------------------------------------------------------------------------

def url_params(page) -> dict[str, str]:
    """The page URL's query parameters (first value of each)."""
    return {key: values[0] for key, values in urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query).items()}


def summary_row(page, indicator_id: str):
    """The summary table row of one indicator (found by the id shown in brackets)."""
    return page.locator("table.summary tbody tr").filter(has_text=f"({indicator_id})")


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar's select box called `label`."""
    page.get_by_test_id("stSidebar").get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def dashboard_picker(page, name: str):
    """The dashboard picker's button (a radio in a row of pills) for one dashboard."""
    return page.get_by_role("radiogroup", name="Dashboard").get_by_role("radio", name=name, exact=True)


def all_charts_drawn(page) -> None:
    """Wait until every visible Vega-Lite chart on the page has drawn (charts in closed tabs draw when opened)."""
    page.wait_for_function("""() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
        .filter(chart => chart.checkVisibility()).every(chart => chart.querySelector(".marks"))""")


def overflow(page) -> list[dict]:
    """Each candidate scroll container's scroll and client height (the page must not need scrolling)."""
    return page.evaluate("""() => [
        ["document.scrollingElement", document.scrollingElement],
        ["stMain", document.querySelector("[data-testid='stMain']") || document.querySelector(".stMain")],
        ["stAppViewContainer", document.querySelector("[data-testid='stAppViewContainer']")],
    ].filter(([, box]) => box).map(([name, box]) => ({name, scroll: box.scrollHeight, client: box.clientHeight}))""")


def assert_fits_without_scrolling(page, where: str) -> None:
    """No scroll container is taller than what it shows (2 px of rounding allowed)."""
    boxes = overflow(page)
    assert any(box["name"] in ("stMain", "document.scrollingElement") for box in boxes), boxes
    too_tall = [box for box in boxes if box["scroll"] > box["client"] + 2]
    assert not too_tall, f"{where} needs scrolling at {VIEWPORT['width']}x{VIEWPORT['height']}: {too_tall}"


def assert_no_small_counts_shown(page, where: str) -> None:
    """Committee mode's figures, counts and table cells show no number from 1 to 5."""
    figures = page.locator(".ptile .big, .attention-item .card-value, table.summary td.num, "
                           "[data-testid='stMetricValue']").all_inner_texts()
    counts = page.locator(".ptile .small, .attention-item .card-counts").all_inner_texts()
    bare = [text for text in figures if re.fullmatch(r"[1-5]", text.strip())]
    in_counts = [text for text in figures + counts if SMALL_COUNT.search(text)]
    assert not bare and not in_counts, f"{where} shows small numbers: {bare + in_counts}"


SMALL_TYPE = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (!text || !element || !element.checkVisibility() || element.closest('.footnote, style, script')) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < 18) small.push(`${size}px: ${text.slice(0, 40)}`);
  }
  return small;
}"""


def assert_projector_type(page, where: str) -> None:
    """No visible text under 18 px, charts' axis labels included, except the small-numbers footnote."""
    small = page.evaluate(SMALL_TYPE)
    assert not small, f"{where} has text under 18 px at {VIEWPORT['width']}x{VIEWPORT['height']}: {small[:8]}"


def assert_no_app_error(page) -> None:
    """No Streamlit exception box on the page."""
    expect(page.get_by_test_id("stException")).to_have_count(0)


def pdf_pages(data: bytes) -> list[str]:
    """Each PDF page's text."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def words(text: str) -> str:
    """A regular expression for `text` that allows any line breaks between its words."""
    return r"\s+".join(re.escape(word) for word in text.split())


# --- the tests ------------------------------------------------------------------------------------------

def test_deep_link_as_the_first_request_runs_through_app_py(page, fresh_app_url):
    """A bookmarked dashboard opened first after a restart gets the navigation, sidebar and wide layout."""
    month = latest("month")
    open_app(page, fresh_app_url, "/dashboard?dashboard=7+Missing+from+Home+and+Care",
             page.get_by_role("heading", name=f"Missing from home and care: {month.display()}"))
    page.locator(CHART).first.wait_for()
    shot(page, "01-deep-link-first-request")
    navigation = page.get_by_test_id("stSidebarNav")  # a legacy pages/ run would list "summary", "dashboard"…
    expect(navigation.get_by_role("link", name="Summary", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Dashboards", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=MISSING, level=1)).to_be_visible()
    expect(dashboard_picker(page, MISSING)).to_have_attribute("aria-checked", "true")
    width = page.get_by_test_id("stMainBlockContainer").bounding_box()["width"]
    assert width > 1200, f"main column is {width:.0f} px wide: the page ran without app.py's wide layout"
    assert url_params(page).get("dashboard") == MISSING
    assert_no_app_error(page)


def test_summary_shows_every_dashboard_with_rag_and_demo_figures(page, app_url):
    """The summary at / names the data's month, warns it is demo data and prints the demo's figures."""
    summary = indicators.summarise(demo(), "month")
    month = latest("month")
    open_app(page, app_url, "/", page.get_by_role("heading", name="Performance summary", level=1))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Performance summary: {demo().about['authority']}")
    expect(page.locator(".asat")).to_have_text(f"Data as at {month.display()} · showing {month.display()}")
    expect(page.get_by_role("status").filter(has_text="Demo data")).to_be_visible()
    tables = page.locator("table.summary")
    expect(tables).to_have_count(len(indicators.dashboards(demo())))
    expect(tables.locator("caption")).to_have_text(indicators.dashboards(demo()))
    rag_words = set(page.locator("table.summary .rag").all_inner_texts())
    assert {"✖ Red", "▲ Amber", "✔ Green"} <= {text.strip() for text in rag_words}, rag_words
    # CSC03 October 2026: 44 of 254 re-referrals = 17.3%
    expect(summary_row(page, "CSC03").locator("td.num").first).to_have_text(shown(summary, "CSC03"))
    expect(summary_row(page, "CSC03").locator("td.num").nth(1)).to_have_text("44 of 254")
    expect(summary_row(page, "CP04").locator(".rag")).to_contain_text("Red")
    shot(page, "02-summary")
    assert_no_app_error(page)


def test_quarter_and_period_in_the_sidebar_change_the_url_and_figures(page, app_url):
    """Quarter view labels the quarter, and picking an earlier quarter shows that quarter's figure."""
    quarter = latest("quarter")
    earlier = earlier_period_with_another_value("quarter", "CSC03")
    open_app(page, app_url, "/", summary_row(page, "CSC03"))
    page.get_by_test_id("stSidebar").get_by_text("Quarter", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]freq=Quarter\b"))
    expect(page.locator(".asat")).to_contain_text(f"showing {quarter.display()}")
    wait_for_app(page)
    shot(page, "03-summary-by-quarter")
    expect(summary_row(page, "CSC03")).to_contain_text(quarter.display())  # partial quarter: "Q3 2026-27 to October 2026"
    choose(page, "Period", earlier.display())
    expect(page.locator(".asat")).to_contain_text(f"showing {earlier.display()}")
    wait_for_app(page)
    shot(page, "03-summary-earlier-quarter")
    assert url_params(page) == {"freq": "Quarter", "period": earlier.display()}
    # CSC03 Q2 2026-27: 137 of 598 re-referrals = 22.9% (October alone was 17.3%)
    expected = shown(indicators.summarise(demo(), "quarter", earlier), "CSC03")
    expect(summary_row(page, "CSC03").locator("td.num").first).to_have_text(expected)
    assert_no_app_error(page)


def test_dashboard_picker_charts_spc_tab_and_shared_link(page, app_url):
    """Pick a dashboard, see its charts and SPC, then reopen the same view from its URL in a new tab."""
    open_app(page, app_url, "/dashboard", page.get_by_role("heading", level=1))
    dashboard_picker(page, FRONT_DOOR).click()
    expect(page.get_by_role("heading", name=FRONT_DOOR, level=1)).to_be_visible()
    assert url_params(page).get("dashboard") == FRONT_DOOR
    page.locator(CHART).first.wait_for()
    wait_for_app(page)
    shot(page, "04-dashboard-front-door")

    first = demo().indicators.loc[demo().indicators["dashboard"] == FRONT_DOOR, "indicator_id"].iloc[0]
    statuses = indicators.summarise(demo(), "month").set_index("indicator_id")
    assert statuses.loc[first, "spc_variation"] is not None, f"the demo gives {first} 13+ months: an SPC chart"
    spc_tab = page.get_by_role("tab", name="SPC").first  # the first indicator's tabs
    spc_tab.click()
    expect(spc_tab).to_have_attribute("aria-selected", "true")
    panel = page.locator(f"[role='tabpanel'][aria-labelledby='{spc_tab.get_attribute('id')}']")
    panel.locator(CHART).first.wait_for()
    expect(panel).to_contain_text("Dashed lines: process limits")
    shot(page, "04-dashboard-spc-tab")

    earlier = earlier_period_with_another_value("quarter", "CSC03")
    page.get_by_test_id("stSidebar").get_by_text("Quarter", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]freq=Quarter\b"))
    wait_for_app(page)
    choose(page, "Period", earlier.display())
    expect(page.locator(".asat")).to_contain_text(f"showing {earlier.display()}")
    wait_for_app(page)
    shared = page.url
    assert url_params(page) == {"dashboard": FRONT_DOOR, "freq": "Quarter", "period": earlier.display()}

    other = page.context.new_page()
    other.bring_to_front()  # a background tab does not paint its charts
    open_app(other, shared, "", other.get_by_role("heading", name=FRONT_DOOR, level=1))
    expect(other.locator(".asat")).to_contain_text(f"showing {earlier.display()}")
    wait_for_app(other)
    sidebar = other.get_by_test_id("stSidebar")
    expect(dashboard_picker(other, FRONT_DOOR)).to_have_attribute("aria-checked", "true")
    expect(sidebar.get_by_role("combobox", name="Period")).to_have_value(earlier.display())
    expect(sidebar.get_by_role("radio", name="Quarter")).to_be_checked()
    other.locator(CHART).first.wait_for()
    shot(other, "04-dashboard-shared-link-in-new-tab")
    expected = shown(indicators.summarise(demo(), "quarter", earlier), "CSC03")
    title = demo().indicators.set_index("indicator_id").loc["CSC03", "title"]
    section = other.locator("[data-testid='stVerticalBlock']").filter(has=other.get_by_role("heading", name=title)).last
    expect(section.locator(".card-value")).to_have_text(expected)
    assert_no_app_error(other)


def test_committee_mode_fits_the_screen_and_suppresses_small_numbers(page, app_url):
    """Every committee screen fits 1920x1080, moves on with the Right key and shows c for counts of 1 to 5."""
    band, count = small_breakdown("MFH05")  # October 2026: 1 incident lasted over 7 days
    open_app(page, app_url, "/dashboard?dashboard=7+Missing+from+Home+and+Care", "table.summary")
    officer_row = page.locator("table.summary tr").filter(has_text=band)
    expect(officer_row.locator("td.num")).to_have_text(str(count))
    shot(page, "05-officer-view-missing-small-count")

    open_app(page, app_url, "/?view=present", page.locator(".present-top h1"))
    shot(page, "05-committee-screen-01")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    for words_on_a_control in ("Upload a return", "Write commentary", "Meeting pack"):
        expect(page.get_by_role("link", name=words_on_a_control)).to_have_count(0)
        expect(page.get_by_role("button", name=words_on_a_control)).to_have_count(0)
    title = page.locator(".present-top h1")
    expect(title).to_have_text(re.compile(r"^Needs attention"))
    position = page.locator(".present-top .where")
    expect(position).to_contain_text(re.compile(r"screen 1 of \d+"))
    total = int(re.search(r"screen 1 of (\d+)", position.inner_text()).group(1))
    assert total >= 1 + len(indicators.dashboards(demo())), "an attention screen and one per dashboard"
    assert_fits_without_scrolling(page, "screen 1")
    assert_no_small_counts_shown(page, "screen 1")
    assert_projector_type(page, "screen 1")

    titles = [title.inner_text()]
    for number in range(2, total + 1):
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(re.compile(rf"[?&]screen={number}\b"))
        expect(position).to_contain_text(f"screen {number} of {total}")
        expect(title).not_to_have_text(titles[-1])
        wait_for_app(page)
        all_charts_drawn(page)
        titles.append(title.inner_text())
        shot(page, f"05-committee-screen-{number:02d}")
        assert_fits_without_scrolling(page, f"screen {number} ({titles[-1]})")
        assert_no_small_counts_shown(page, f"screen {number} ({titles[-1]})")
        assert_projector_type(page, f"screen {number} ({titles[-1]})")
        if titles[-1] == MISSING:
            committee_row = page.locator("table.summary tr").filter(has_text=band)
            expect(committee_row.locator("td.num")).to_have_text(disclosure.SYMBOL)
    assert MISSING in titles, titles
    assert [t for t in titles if not t.startswith("Needs attention")][:1] == [indicators.dashboards(demo())[0]]
    expect(page.get_by_role("button", name="Next ▶")).to_be_disabled()
    expect(page.get_by_text(disclosure.FOOTNOTE)).to_be_visible()
    assert_no_app_error(page)


def test_open_committee_mode_button_leads_to_committee_mode(page, app_url):
    """The sidebar button opens committee mode, and its exit button comes back to the summary."""
    open_app(page, app_url, "/", page.get_by_role("button", name="Open committee mode"))
    page.get_by_role("button", name="Open committee mode").click()
    expect(page.locator(".present-top h1")).to_have_text(re.compile(r"^Needs attention"))
    expect(page).to_have_url(re.compile(r"[?&]view=present\b"))
    wait_for_app(page)
    shot(page, "06-committee-mode-from-button")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    page.get_by_role("button", name="Exit committee mode").click()
    expect(page.get_by_role("heading", name="Performance summary", level=1)).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    assert "view" not in url_params(page)
    shot(page, "06-committee-mode-exit")


def test_open_committee_mode_button_keeps_the_chosen_period(page, app_url):
    """Committee mode opened from an earlier quarter shows that quarter, not the latest month."""
    earlier = earlier_period_with_another_value("quarter", "CSC03")
    query = urllib.parse.urlencode({"freq": "Quarter", "period": earlier.display()})
    open_app(page, app_url, f"/?{query}", page.get_by_role("button", name="Open committee mode"))
    expect(page.locator(".asat")).to_contain_text(f"showing {earlier.display()}")
    page.get_by_role("button", name="Open committee mode").click()
    expect(page.locator(".present-top h1")).to_have_text(re.compile(r"^Needs attention"))
    wait_for_app(page)
    shot(page, "06-committee-mode-from-an-earlier-quarter")
    expect(page.locator(".present-top .where strong")).to_have_text(earlier.display(), timeout=2000)


def test_meeting_pack_pdf_and_workbook(page, app_url, tmp_path):
    """The pack for a month with small counts: cover, attention, summary, a page per dashboard, `c` for 1 to 5."""
    month, small = month_with_small_counts()  # September 2026: CP04 4 of 18, CL05 2 of 85
    query = urllib.parse.urlencode({"period": month.display()})
    make = page.get_by_role("button", name="Make the meeting pack")
    open_app(page, app_url, f"/pack?{query}", make)
    expect(page.get_by_test_id("stMain")).to_contain_text(f"The pack for {month.display()}")
    make.click()
    download_pdf = page.get_by_role("button", name="Download the PDF")
    download_pdf.wait_for(timeout=PACK_SECONDS * 1000)
    wait_for_app(page)
    shot(page, "07-pack-made")
    with page.expect_download() as pdf_download:
        download_pdf.click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download the Excel workbook").click()
    pdf_path, xlsx_path = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    pdf_download.value.save_as(pdf_path)
    xlsx_download.value.save_as(xlsx_path)

    pages = pdf_pages(pdf_path.read_bytes())
    text = "\n".join(pages)
    assert len(pages) >= 10
    assert demo().about["authority"] in pages[0]
    assert f"Period: {month.display()}" in pages[0]
    assert any(re.search(r"^Needs attention", page_text, re.M) for page_text in pages[1:])
    assert any("Summary of all indicators" in page_text for page_text in pages)
    for dashboard in indicators.dashboards(demo()):
        assert any(re.search(rf"^{words(dashboard)}\s*$", page_text, re.M) for page_text in pages), dashboard
    assert disclosure.FOOTNOTE.split(",")[0] in text  # "c = a number from 1 to 5"
    for row in small.itertuples():
        figure = re.search(rf"{words(row.title)}\s+{words(month.display())}\s+(\S+)", text)
        assert figure and figure.group(1) == disclosure.SYMBOL, (row.indicator_id, figure and figure.group(0))
    leaks = SMALL_COUNT.findall(PAGE_NUMBER.sub("", text))
    assert not leaks, f"small counts in the PDF: {leaks}"

    workbook = openpyxl.load_workbook(xlsx_path, read_only=True)
    assert {"About", "Summary", "Figures", "Commentary"} <= set(workbook.sheetnames)
    about = dict(workbook["About"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert about["Authority"] == demo().about["authority"] and about["Period"] == month.display()
    header = [cell.value for cell in next(workbook["Summary"].iter_rows(max_row=1))]
    summary_values = {row[header.index("Indicator")]: row[header.index("Value")]
                      for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    for row in small.itertuples():
        assert summary_values[row.title] == disclosure.SYMBOL, row.indicator_id
    workbook.close()


def test_upload_a_revision_then_a_broken_file(page, fresh_app_url, tmp_path):
    """A valid return is previewed, saved as version 1 and shown; a broken file is refused and nothing saved."""
    revised = tmp_path / "october_return.xlsx"
    workbook = openpyxl.load_workbook(DEMO_PATH)
    values = workbook["Values"]
    month = latest("month").label
    [cells] = [row for row in values.iter_rows(min_row=2)
               if row[0].value == "CSC03" and row[1].value == month and not row[2].value]
    assert (cells[3].value, cells[4].value) == (44, 254)
    cells[3].value = 60  # 60 of 254 re-referrals = 23.6% (the demo has 44 of 254 = 17.3%)
    workbook.save(revised)
    uploaded = load_return(revised)
    new_figure = shown(indicators.summarise(uploaded, "month"), "CSC03")
    assert new_figure == "23.6%" != shown(indicators.summarise(demo(), "month"), "CSC03")

    open_app(page, fresh_app_url, "/upload", page.get_by_test_id("stFileUploaderDropzone"))
    expect(page.get_by_role("radio", name=re.compile("^Performance return"))).to_be_checked()
    expect(page.get_by_role("radio", name="This file adds or revises periods")).to_be_checked()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(revised)
    expect(page.get_by_text("passed every check")).to_be_visible()
    wait_for_app(page)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Revised")).to_be_visible()
    # nothing is stored yet (the app shows the demo), so every row of the file is new
    expect(metrics.filter(has_text="New").get_by_test_id("stMetricValue")).to_have_text(f"{len(uploaded.values):,}")
    shot(page, "08-upload-preview", full_page=True)
    name = page.get_by_label("Your name (kept with the change)")
    name.fill("Browser Test Officer")
    name.press("Enter")
    save = page.get_by_role("button", name="Confirm and save")
    expect(save).to_be_enabled()
    save.click()
    expect(page.get_by_text("Saved as version 1.")).to_be_visible()
    wait_for_app(page)
    shot(page, "08-upload-saved")

    open_app(page, fresh_app_url, "/", summary_row(page, "CSC03"))
    expect(summary_row(page, "CSC03").locator("td.num").first).to_have_text(new_figure)
    expect(page.get_by_role("status").filter(has_text="Demo data")).to_have_count(0)
    shot(page, "08-summary-after-upload")

    broken = tmp_path / "broken.csv"
    broken.write_text("indicator_id,period,breakdown,numerator,denominator,value\n"
                      f"CSC03,{month},,44,254,\nXX99,{month},,,,5\n")
    open_app(page, fresh_app_url, "/upload", page.get_by_test_id("stFileUploaderDropzone"))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(broken)
    expect(page.get_by_test_id("stAlert").filter(has_text="cannot be used yet")).to_contain_text(
        "broken.csv cannot be used yet: 1 problem to fix. Nothing has been saved.")
    problems = page.get_by_test_id("stDataFrame").locator("table")
    expect(problems).to_contain_text("unknown indicator 'XX99'")
    expect(problems.locator("td").nth(1)).to_have_text("3")  # spreadsheet row 3: the header is row 1
    expect(page.get_by_role("button", name="Confirm and save")).to_have_count(0)
    wait_for_app(page)
    shot(page, "08-upload-broken-file")

    open_app(page, fresh_app_url, "/history", page.get_by_test_id("stDataFrame"))
    expect(page.get_by_test_id("stDataFrame").first.locator("table")).to_have_attribute("aria-rowcount", "2")
    expect(page.get_by_role("combobox", name="Version")).to_have_value(
        re.compile(r"^Version 1: october_return\.xlsx"))
    expect(page.get_by_text("Two return uploads are needed to compare.")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first.locator("table")).to_contain_text("Browser Test Officer")
    shot(page, "08-history-one-version")


def upload_and_save(page, path, who: str = "Browser Test Officer") -> None:
    """On the Upload page: choose a file, see it pass, give a name and confirm."""
    upload(page, path)
    confirm(page, who)


def upload(page, path) -> None:
    """On the Upload page: choose a file and see it pass every check."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    expect(page.get_by_text("passed every check")).to_be_visible()
    wait_for_app(page)


def confirm(page, who: str = "Browser Test Officer") -> None:
    """On the Upload page, after a preview: give a name and confirm."""
    name = page.get_by_label("Your name (kept with the change)")
    name.fill(who)
    name.press("Enter")
    save = page.get_by_role("button", name="Confirm and save")
    expect(save).to_be_enabled()
    save.click()
    expect(page.get_by_text("Every page now shows it.")).to_be_visible()
    wait_for_app(page)


def go_to(page, title: str) -> None:
    """Follow the sidebar's navigation link to a page, in the same session."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)


def test_a_new_month_moves_the_officer_the_pack_and_committee_mode_with_it(page, browser, fresh_app_url, tmp_path):
    """Upload November: the officer's view moves to it, the pack is November's, and committee mode opened
    from a chosen quarter shows that quarter in a browser that has never seen the app."""
    november = tmp_path / "november.csv"
    november.write_text("indicator_id,period,numerator,denominator\nCSC03,2026-11,50,250\n")  # 20.0%
    open_app(page, fresh_app_url, "/upload", page.get_by_test_id("stFileUploaderDropzone"))
    upload_and_save(page, DEMO_PATH)
    go_to(page, "Summary")
    expect(page.locator(".asat")).to_have_text("Data as at October 2026 · showing October 2026")

    go_to(page, "Upload a return")
    upload_and_save(page, november)
    go_to(page, "Summary")
    expect(page.locator(".asat")).to_have_text("Data as at November 2026 · showing November 2026")
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Period")).to_have_value("November 2026")
    expect(summary_row(page, "CSC03").locator("td.num").first).to_have_text("20.0%")
    shot(page, "09-summary-moved-to-the-new-month")

    go_to(page, "Meeting pack")
    expect(page.get_by_test_id("stMain")).to_contain_text("The pack for November 2026")
    page.get_by_role("button", name="Make the meeting pack").click()
    download_pdf = page.get_by_role("button", name="Download the PDF")
    download_pdf.wait_for(timeout=PACK_SECONDS * 1000)
    with page.expect_download() as pdf_download:
        download_pdf.click()
    pages = pdf_pages(pdf_download.value.path().read_bytes())
    assert "Period: November 2026" in pages[0]
    summary_table = "\n".join(text for text in pages if text.startswith("Summary of all indicators")
                              or text.startswith("Dashboard Indicator"))
    assert re.search(rf"{words('Re-referrals within 12 months')}\s+November 2026\s+20\.0%", summary_table)
    shot(page, "09-pack-for-the-new-month")

    page.get_by_test_id("stSidebar").get_by_text("Quarter", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]freq=Quarter\b"))
    wait_for_app(page)
    choose(page, "Period", "Q2 2026-27")
    expect(page.locator(".asat")).to_contain_text("showing Q2 2026-27")
    page.get_by_role("button", name="Open committee mode").click()
    expect(page.locator(".present-top h1")).to_have_text(re.compile(r"^Needs attention"))
    link = page.url
    assert url_params(page).get("at") == "2026-27 Q2"

    elsewhere = browser.new_context(viewport=VIEWPORT)  # another browser: no cookies, no session
    projector = elsewhere.new_page()
    open_app(projector, link, "", projector.locator(".present-top h1"))
    expect(projector.locator(".present-top .where strong")).to_have_text("Q2 2026-27")
    quarter = indicators.summarise(load_return(DEMO_PATH), "quarter", "2026-27 Q2").set_index("indicator_id")
    for item in projector.locator("[data-indicator]").all():
        indicator_id = item.get_attribute("data-indicator")
        if item.get_attribute("data-rag") is not None:
            assert item.get_attribute("data-rag") in (quarter.loc[indicator_id, "rag"], "withheld"), indicator_id
    shot(projector, "09-committee-mode-link-in-another-browser")
    elsewhere.close()
    assert_no_app_error(page)


# Markdown, KaTeX and HTML in every free-text field of a valid return and in a DfE file's la_name
# (tests/corpus/make_corpus.py); 127.0.0.1:9 is the discard port, so a fetch would fail, but must not happen.
PAYLOAD_FILES = REPO / "tests" / "corpus" / "files"
PAYLOAD_TEXTS = ["![x](http://127.0.0.1:9/p.png)", "[Verify your account](http://127.0.0.1:9/phish)",
                 "$\\rule{1500px}{600px}$", ":red[alarm]", "<img src=http://127.0.0.1:9/i.png>", "**bold**"]
PAYLOAD_VIEWS = {"Summary": "/", "Dashboards": "/dashboard?dashboard=3", "Write commentary": "/commentary",
                 "Committee mode": "/?view=present&screen=1"}


def assert_text_stays_text(page, where: str, requests: list[str], base_url: str) -> None:
    """Every payload shows as the characters typed; nothing became a link, image or formula; nothing was fetched."""
    text = page.evaluate("""() => [document.body.innerText,
        ...[...document.querySelectorAll("input, textarea")].map(field => field.value)].join("\\n")""").replace(
        WORD_JOINER, "")  # the invisible character that stops Markdown linking a web address
    missing = [payload for payload in PAYLOAD_TEXTS if payload not in text]
    assert not missing, f"{where} does not show {missing} as typed"
    assert page.locator("a[href*=':9/'], img[src*=':9/'], .katex").count() == 0, where
    assert page.locator("strong, b", has_text=re.compile(r"^bold$")).count() == 0, where
    elsewhere = [url for url in requests if not url.startswith((base_url, "data:", "blob:"))]
    assert not elsewhere, f"{where} made the browser fetch {elsewhere}"


def test_text_from_files_is_shown_as_typed_and_fetches_nothing(page, fresh_app_url):
    """A return and a DfE file whose text holds Markdown images and links, KaTeX and HTML: every page shows
    the characters, and the browser requests nothing outside the app."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_app(page, fresh_app_url, "/upload", page.get_by_test_id("stFileUploaderDropzone"))
    upload_and_save(page, PAYLOAD_FILES / "markdown_payloads.xlsx")
    for title, path in PAYLOAD_VIEWS.items():
        open_app(page, fresh_app_url, path, "[data-testid='stMain'], .present-top")
        page.wait_for_timeout(500)  # images and fonts a payload asked for would be requested by now
        assert_no_app_error(page)
        assert_text_stays_text(page, title, requests, fresh_app_url)
        shot(page, f"10-payloads-{title}")

    open_app(page, fresh_app_url, "/upload", page.get_by_test_id("stFileUploaderDropzone"))
    page.get_by_text("DfE published statistics (Explore Education Statistics CSV)", exact=True).click()
    expect(page.get_by_role("radio", name=re.compile("^DfE published statistics"))).to_be_checked()
    wait_for_app(page)
    upload_and_save(page, PAYLOAD_FILES / "markdown_payloads_ees.csv")
    open_app(page, fresh_app_url, "/comparison?la=999", page.get_by_test_id("stMain"))
    page.wait_for_timeout(500)
    assert_no_app_error(page)
    comparison = page.locator("body").inner_text().replace(WORD_JOINER, "")
    assert " ".join(PAYLOAD_TEXTS) in comparison, "the authority's name from the DfE file is not shown as typed"
    leaks = page.locator("a[href*=':9/'], img[src*=':9/'], .katex")
    assert leaks.count() == 0, [leaks.nth(i).evaluate("e => e.parentElement.parentElement.outerHTML.slice(0, 600)")
                                for i in range(leaks.count())]
    assert not [url for url in requests if not url.startswith((fresh_app_url, "data:", "blob:"))]
    shot(page, "10-payloads-national-comparison")


ANNEX_A_OCTOBER = REPO / "data" / "demo_annex_a_2026-10.xlsx"
ANNEX_A_NOVEMBER = REPO / "data" / "demo_annex_a_2026-11.xlsx"


def metric(page, label: str):
    """The value of the preview's metric called `label`."""
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def choose_annex_a(page, months: int) -> None:
    """Open the Upload page, say the file is Annex A and how many months to report."""
    go_to(page, "Upload a return")
    page.get_by_text(re.compile("^Ofsted Annex A lists")).click()
    expect(page.get_by_role("radio", name=re.compile("^Ofsted Annex A lists"))).to_be_checked()
    wait_for_app(page)
    box = page.get_by_role("spinbutton", name="Months to report")
    box.fill(str(months))
    box.press("Enter")
    wait_for_app(page)


def test_annex_a_export_brings_the_dashboards_up_to_date_and_the_next_export_revises(page, fresh_app_url):
    """The officer's monthly job: upload the return once, then drop in Annex A, map, confirm; the summary
    and the pack show the figures worked out from the lists; next month's export previews its revisions."""
    contacts = load_child_level(ANNEX_A_OCTOBER, "annex_a", months=12).values
    [october] = contacts.loc[(contacts["indicator_id"] == "AA01") & (contacts["period"] == "2026-10")
                             & (contacts["breakdown"] == ""), "value"]
    open_app(page, fresh_app_url, "/upload", page.get_by_test_id("stFileUploaderDropzone"))
    upload_and_save(page, DEMO_PATH)

    choose_annex_a(page, months=12)
    upload(page, ANNEX_A_OCTOBER)
    expect(page.get_by_text(re.compile(r"^What the lists held: \d+ notes"))).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^AA05 "))).to_have_value(
        re.compile("^CSC03 Re-referrals within 12 months"))
    page.get_by_role("combobox", name=re.compile("^AA13 ")).click()  # the fake export does not reproduce CP06
    page.keyboard.type("Add as a new")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name=re.compile("^AA13 "))).to_have_value("Add as a new indicator")
    wait_for_app(page)
    expect(metric(page, "Revised")).to_have_text("0")  # the October export reproduces the return's months
    shot(page, "11-annex-a-mapped", full_page=True)
    confirm(page)

    go_to(page, "Summary")
    expect(page.locator(".asat")).to_have_text("Data as at October 2026 · showing October 2026")
    expect(summary_row(page, "AA01").locator("td.num").first).to_have_text(f"{october:,.0f}")
    shot(page, "11-summary-with-annex-a")
    go_to(page, "Meeting pack")
    page.get_by_role("button", name="Make the meeting pack").click()
    download_pdf = page.get_by_role("button", name="Download the PDF")
    download_pdf.wait_for(timeout=PACK_SECONDS * 1000)
    with page.expect_download() as pdf_download:
        download_pdf.click()
    text = "\n".join(pdf_pages(pdf_download.value.path().read_bytes()))
    title = words("Contacts to children's social care")
    assert re.search(rf"{title}\s+October 2026\s+{october:,.0f}\b", text)

    choose_annex_a(page, months=12)
    upload(page, ANNEX_A_NOVEMBER)
    expect(page.get_by_role("combobox", name=re.compile("^AA13 "))).to_have_value("Add as a new indicator")  # saved
    expect(metric(page, "Revised")).not_to_have_text("0")  # case recording caught up with October
    expect(metric(page, "New")).not_to_have_text("0")  # and November arrives
    shot(page, "11-annex-a-next-month-revisions", full_page=True)
    assert_no_app_error(page)
