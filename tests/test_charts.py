"""Chart builders: accessible, explicit scales, comparators only where comparable, specs that validate."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core

import disclosure
import indicators
from data_loaders import load_return
from render import charts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo():
    """The demo return with its monthly and yearly tables."""
    ret = load_return(ROOT / "data" / "demo_return.xlsx")
    return ret, indicators.period_values(ret, "month"), indicators.period_values(ret, "year")


@pytest.fixture(scope="module")
def monthly_report(demo):
    """The demo's report for its latest month."""
    return indicators.report(demo[0], "month")


def catalogue_row(ret, indicator_id):
    """A catalogue row with its id, as the app passes it."""
    row = ret.indicators.set_index("indicator_id").loc[indicator_id].copy()
    row["indicator_id"] = indicator_id
    return row


def valid(spec: dict) -> dict:
    """`spec`, having checked it against the Vega-Lite schema (the builders skip altair's own check)."""
    validate_jsonschema(spec, core.load_schema())
    return spec


def layers(spec: dict) -> list[dict]:
    """Every layer of a (possibly layered) spec."""
    return spec.get("layer", [spec])


def test_y_domain_keeps_percentages_within_0_to_100_and_counts_from_zero():
    assert charts.y_domain([95.0, 99.0, 100.0], "percent")[1] == 100.0
    # 2% to 3%: padding 12% of the 1-point range = 0.12 either side, still above zero
    assert charts.y_domain([2.0, 3.0], "percent") == pytest.approx([1.88, 3.12])
    assert charts.y_domain([0.05, 3.0], "percent")[0] == 0.0  # padding would go below zero
    # 200 to 260 children: padding 0.12 x 60 = 7.2, so 192.8 to 267.2; counts under half the highest start at 0
    assert charts.y_domain([200, 260], "count") == pytest.approx([192.8, 267.2])
    assert charts.y_domain([120, 260], "count")[0] == 0.0
    # 1.5 to 1.9 ratios: 12% padding of the 0.4 range = 0.048 either side
    assert charts.y_domain([1.5, 1.9], "number", floor_zero=False) == pytest.approx([1.452, 1.948])
    assert charts.y_domain([], "percent") == [0.0, 100.0]


def test_trend_chart_has_description_target_amber_band_and_one_shared_domain(demo):
    ret, monthly, _ = demo
    row = catalogue_row(ret, "CSC03")  # target 20, tolerance 2, lower is better: amber band 20 to 22
    spec = charts.indicator_trend(row, indicators.series(ret, "CSC03", "month", monthly))
    assert spec["description"].startswith("Re-referrals within 12 months: line chart of 55 periods from April 2022")
    domains = {json.dumps(layer["encoding"]["y"]["scale"]["domain"]) for layer in layers(spec)
               if "y" in layer["encoding"] and "scale" in layer["encoding"]["y"]}
    assert len(domains) == 1, "every layer must share the y domain, or the band drags the axis"
    band = next(layer for layer in layers(spec) if layer["mark"]["type"] == "rect")
    data = spec["datasets"][band["data"]["name"]]
    assert data == [{"low": 20.0, "high": 22.0}]
    assert any(layer["mark"]["type"] == "rule" for layer in layers(spec))


def test_every_colour_scale_is_explicit_so_images_match_the_app(monthly_report):
    for indicator_id in ("MFH01", "CSC03", "CL02"):
        built = charts.report_charts(monthly_report, indicator_id, "mean")
        for name in ("trend", "breakdown", "spc", "seasonal"):
            if name not in built:
                continue
            for layer in layers(built[name]):
                for channel in ("color", "fill", "shape", "strokeDash"):
                    encoding = layer.get("encoding", {}).get(channel)
                    if encoding and "field" in encoding:
                        assert "range" in encoding.get("scale", {}), (indicator_id, name, channel)


def test_breakdowns_are_told_apart_by_dash_and_shape_not_colour_alone(monthly_report):
    built = charts.report_charts(monthly_report, "MFH01", "mean")
    encodings = [layer["encoding"] for layer in layers(built["breakdown"])]
    assert any("strokeDash" in encoding for encoding in encodings)
    assert any("shape" in encoding for encoding in encodings)


def test_published_counts_are_not_drawn_against_monthly_counts(demo):
    ret, monthly, yearly = demo
    points = pd.DataFrame({"period": ["2024-25"], "period_end": [pd.Timestamp(2025, 3, 31)],
                           "when": ["in 2024-25"], "series": ["England"], "value": [632830.0],
                           "decimals": pd.array([0], dtype="Int64"), "source": ["DfE"]})
    monthly_counts = charts.indicator_trend(catalogue_row(ret, "CSC01"), indicators.series(ret, "CSC01", "month", monthly),
                                            points)
    assert "632830" not in json.dumps(monthly_counts)
    yearly_counts = charts.indicator_trend(catalogue_row(ret, "CSC01"), indicators.series(ret, "CSC01", "year", yearly),
                                           points)
    assert "632830" in json.dumps(yearly_counts)
    percentage = charts.indicator_trend(catalogue_row(ret, "CSC03"), indicators.series(ret, "CSC03", "month", monthly),
                                        points.assign(value=22.6))
    assert "22.6" in json.dumps(percentage)


def test_public_charts_blank_small_counts(monthly_report):
    history = monthly_report.history_of("MFH05")
    public = disclosure.public_report(monthly_report).history_of("MFH05")
    small = history["value"].between(1, 5)
    assert small.any()
    assert public.loc[small, "value"].isna().all()
    spec = json.dumps(charts.report_charts(disclosure.public_report(monthly_report), "MFH05", "mean",
                                           public=True)["breakdown"])
    for value in history.loc[small, "value"]:
        assert f'"value": {value}' not in spec


def test_spc_needs_13_points_and_skips_rolling_measures(demo, monthly_report):
    ret, monthly, _ = demo
    rolling = catalogue_row(ret, "CLA03")
    result, reason = indicators.spc_chart_data(indicators.series(ret, "CLA03", "month", monthly), rolling)
    assert result is None and "rolling 12-month" in reason
    short = indicators.series(ret, "CSC03", "month", monthly).head(12)
    result, reason = indicators.spc_chart_data(short[short["breakdown"] == ""], catalogue_row(ret, "CSC03"))
    assert result is None and "Not enough points for SPC" in reason
    built = charts.report_charts(monthly_report, "CSC03", "mean")
    colours = json.dumps(built["spc"])
    assert "#A6A6A6" in colours or "#00B0F0" in colours or "#E46C0A" in colours


def test_seasonal_chart_has_a_line_per_financial_year_april_to_march(monthly_report):
    built = charts.report_charts(monthly_report, "MFH01", "mean")
    spec = built["seasonal"]
    assert spec["encoding"]["x"]["sort"] == charts.MONTH_ORDER
    assert spec["encoding"]["color"]["scale"]["domain"] == ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]


def test_published_years_before_the_councils_own_months_are_not_drawn(demo):
    ret, monthly, _ = demo
    points = pd.DataFrame({"period": ["2013-14", "2023-24"], "series": ["England", "England"],
                           "period_end": [pd.Timestamp(2014, 3, 31), pd.Timestamp(2024, 3, 31)],
                           "when": ["in 2013-14", "in 2023-24"], "value": [23.4, 21.1],
                           "decimals": pd.array([1, 1], dtype="Int64"), "source": ["DfE", "DfE"]})
    spec = json.dumps(charts.indicator_trend(catalogue_row(ret, "CSC03"),
                                             indicators.series(ret, "CSC03", "month", monthly), points))
    # the demo starts in April 2022: 2023-24's figure is drawn, 2013-14's stays in the comparison table
    assert "21.1" in spec and "23.4" not in spec


def test_axis_labels_are_distinct_periods_including_the_latest():
    starts = pd.Series(pd.to_datetime(["2026-08-01", "2026-09-01", "2026-10-01"]))
    axis = charts.time_axis(starts).to_dict()
    assert [(value["year"], value["month"]) for value in axis["values"]] == [(2026, 8), (2026, 9), (2026, 10)]
    long = pd.Series(pd.date_range("2022-04-01", "2026-10-01", freq="MS"))  # 55 months
    values = charts.time_axis(long).to_dict()["values"]
    assert len(values) <= 6 and (values[-1]["year"], values[-1]["month"]) == (2026, 10)
    assert len({(value["year"], value["month"]) for value in values}) == len(values)
    quarters = charts.time_axis(pd.Series(pd.to_datetime(["2026-04-01", "2026-07-01"])), "quarter").to_dict()
    assert "Q" in quarters["labelExpr"] and "format" not in quarters


def test_charts_of_a_past_period_stop_at_that_period(demo):
    past = indicators.report(demo[0], "month", "2025-04")
    spec = charts.report_charts(past, "CSC03", "mean")["trend"]
    starts = {row["period_start"][:7] for rows in spec["datasets"].values() for row in rows if "period_start" in row}
    assert max(starts) == "2025-04" and min(starts) == "2022-04"


def test_every_kind_of_chart_is_valid_vega_lite_with_only_the_columns_it_reads(demo, monthly_report):
    ret, monthly, _ = demo
    built = charts.report_charts(monthly_report, "MFH01", "median")  # trend, breakdown, SPC, same month each year
    built["pack"] = charts.pack_chart(disclosure.public_report(monthly_report), "MFH01", "median")
    built["sparkline"] = charts.report_sparkline(monthly_report, "CSC03")
    explore = indicators.combined_series(monthly, ret.indicators, ["CSC03", "CSC01"])
    built["explore"] = charts.explore_chart(charts.history_frame(explore))
    table = pd.DataFrame({"la_code": ["872", "871"], "la_name": ["Wokingham", "Slough"], "value": [12.5, 20.0]})
    built["bars"] = charts.neighbour_bars(table, "percent", "Re-referrals", "872")
    assert set(built) == {"trend", "breakdown", "spc", "seasonal", "pack", "sparkline", "explore", "bars"}
    for name, spec in built.items():
        valid(spec)
        read = charts._fields(spec)
        for dataset, rows in spec["datasets"].items():
            assert rows and set(rows[0]) <= read, (name, dataset, set(rows[0]) - read)
        assert read <= set().union(*(set(rows[0]) for rows in spec["datasets"].values())), name  # none missing
        assert json.dumps(spec)  # plain JSON, as vl-convert and the browser take it


def test_chart_rows_are_written_exactly_as_altair_writes_inline_data(monthly_report):
    import altair as alt
    import numpy as np
    for indicator_id in ["CSC03", "MFH01", "CLA03", "WF01"]:
        history = charts.history_frame(monthly_report.history_of(indicator_id))
        history = history.assign(flag=history["value"] > 10,
                                 whole=pd.array([1, None] * (len(history) // 2) + [3] * (len(history) % 2), dtype="Int64"))
        history.loc[history.index[0], "value"] = np.nan
        history.loc[history.index[1], "value"] = np.inf
        expected = alt.utils.sanitize_pandas_dataframe(history).to_dict("records")
        assert charts._records(history) == expected, indicator_id
        assert any(row["value"] is None for row in expected) and any(row["whole"] is None for row in expected)
