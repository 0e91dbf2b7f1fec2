"""Altair chart builders: pure functions from tidy frames to charts, the same in the app and the pack.

Every series is told apart by shape or dash as well as colour (WCAG 1.4.1), colours come from
the Okabe-Ito colour-blind-safe palette, every scale is explicit (so vl-convert images match
the app) and every chart carries a text description for screen readers.
"""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

import benchmarking
import indicators
import spc
from periods import MONTHS_IN, parse_period
from units import DISPLAY_DECIMALS, UNIT_LABELS, format_value

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3]]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
TARGET_COLOUR = "#383f43"
AMBER_BAND = "#ffdd00"
COMPARATOR_STYLE = {  # name -> (colour, shape)
    "England": ("#000000", "diamond"),
    "Region": ("#E69F00", "square"),
    "Statistical neighbours": ("#009E73", "triangle-up"),
    "Published (this authority)": ("#0072B2", "circle"),
}
SPC_COLOURS = spc.POINT_COLOURS
SPC_LABELS = {"common_cause": "Common cause", "improvement": "Improvement", "concern": "Concern",
              "neutral": "Special cause (neutral)"}
FONT = "Arial"
SEASONAL_MIN_MONTHS = 13  # the same month in two years needs at least thirteen months
SPARKLINE_PERIODS = 13
MONTH_ORDER = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]

# Altair checks every object against the schema as it is made, a fifth of the time to build a chart; the
# tests check every kind of finished spec against the schema instead (test_charts).
alt.utils.schemapi.disable_debug_mode()


def _axis_format(unit: str) -> str:
    """d3 format for a unit's axis labels."""
    return ",.0f" if DISPLAY_DECIMALS[unit] == 0 else ",.1~f"


def _y_title(unit: str) -> str:
    """The y-axis title for a unit."""
    return {"percent": "Per cent", "rate_per_10k": "Per 10,000 children", "count": "Number",
            "days": "Days", "number": "Value"}[unit]


def y_domain(numbers, unit: str, floor_zero: bool = True) -> list[float]:
    """A y range that shows every number given with some headroom; percentages stay within 0 to 100."""
    finite = [float(x) for x in numbers if x is not None and not (isinstance(x, float) and math.isnan(x))]
    if not finite:
        return [0.0, 100.0 if unit == "percent" else 1.0]
    low, high = min(finite), max(finite)
    pad = (high - low) * 0.12 or max(abs(high) * 0.1, 1.0)
    low = 0.0 if floor_zero and low - pad < 0 or (floor_zero and unit == "count" and low < high * 0.5) else low - pad
    high = high + pad
    if unit == "percent":
        low, high = max(low, 0.0), min(high, 100.0)
    return [round(low, 6), round(high, 6)]


_FINANCIAL_YEAR_START = "(month(datum.value) >= 3 ? year(datum.value) : year(datum.value) - 1)"
_PERIOD_LABELS = {  # Vega expressions naming a period from its first day (month() counts January as 0)
    "quarter": (f"'Q' + (floor(((month(datum.value) + 9) % 12) / 3) + 1) + ' ' + {_FINANCIAL_YEAR_START} + '-' + "
                f"slice(toString({_FINANCIAL_YEAR_START} + 1), 2)"),
    "year": f"{_FINANCIAL_YEAR_START} + '-' + slice(toString({_FINANCIAL_YEAR_START} + 1), 2)",
}


def time_axis(starts, frequency: str = "month", most: int = 6, month_format: str = "%b %Y",
              **style) -> alt.Axis:
    """A time axis whose labels are distinct periods, at most `most` of them, always including the latest.

    Vega's automatic ticks fall between months on a short series (Aug, Aug, Aug, Sep...), so the
    ticks are the periods' own first days, every n-th counting back from the latest; quarters
    and financial years are named as such ("Q2 2026-27", "2026-27").
    """
    unique = sorted(pd.to_datetime(pd.Series(starts)).dropna().unique())
    step = max(1, math.ceil(len(unique) / most))
    chosen = unique[::-1][::step][::-1]
    values = [alt.DateTime(year=int(when.year), month=int(when.month), date=1) for when in map(pd.Timestamp, chosen)]
    if frequency in _PERIOD_LABELS:
        return alt.Axis(values=values, labelExpr=_PERIOD_LABELS[frequency], labelAngle=0, **style)
    return alt.Axis(values=values, format=month_format, labelAngle=0, **style)


def _frequency_of(frame: pd.DataFrame) -> str:
    """The frequency of a series' periods (its latest row's)."""
    return str(frame["frequency"].iloc[-1]) if "frequency" in frame and len(frame) else "month"


CONFIG = {"axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13,
                   "labelColor": "#0b0c0c", "titleColor": "#0b0c0c", "gridColor": "#e5e6e7"},
          "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13,
                     "orient": "bottom", "symbolSize": 120},
          "view": {"strokeWidth": 0}, "text": {"font": FONT}}


def _named(frames: dict[str, pd.DataFrame], name: str, frame: pd.DataFrame) -> alt.NamedData:
    """`frame` set aside under `name` until the spec is finished; the chart refers to it by name.

    Altair copies and hashes a chart's inline data on every method call, which made building a
    chart ten times slower than the chart itself; named data costs nothing until `_finish`.
    """
    frames[name] = frame
    return alt.NamedData(name=name)


def _fields(spec: object) -> set[str]:
    """Every field a spec's encodings read."""
    if isinstance(spec, dict):
        found = {spec["field"]} if isinstance(spec.get("field"), str) else set()
        return found.union(*(_fields(value) for value in spec.values()))
    if isinstance(spec, list):
        return set().union(*(_fields(value) for value in spec))
    return set()


def _layered(*layers: alt.Chart, resolve: dict[str, str] | None = None) -> dict:
    """One or more charts drawn over each other, as a spec assembled from each layer's own (altair's
    layering copies every layer several times over). Tests validate every kind of spec against the schema."""
    parts = [layer.to_dict(validate=False) for layer in layers]
    for part in parts:
        part.pop("$schema", None)
        part.pop("config", None)  # altair's default theme; `_finish` sets the charts' own
    if len(parts) == 1:
        return {"$schema": alt.SCHEMA_URL, **parts[0]}
    return {"$schema": alt.SCHEMA_URL, "layer": parts} | ({"resolve": {"scale": resolve}} if resolve else {})


def _finish(spec: dict, description: str, height: int, frames: dict[str, pd.DataFrame]) -> dict:
    """The finished Vega-Lite spec: the size, fonts and text alternative shared by every chart, and the data
    set aside by `_named` as named datasets holding only the columns the chart reads."""
    spec.update(width="container", height=height, description=description,
                config={part: dict(settings) for part, settings in CONFIG.items()})
    used = _fields(spec)
    spec["datasets"] = {name: _records(frame[[column for column in frame.columns if column in used]])
                        for name, frame in frames.items()}
    return spec


def _records(frame: pd.DataFrame) -> list[dict]:
    """A frame as JSON rows, as altair writes inline data (dates as ISO text, gaps as null), at a tenth of
    the cost of altair's own copy-and-convert."""
    columns = {}
    for name, column in frame.items():
        values = (column.dt.strftime("%Y-%m-%dT%H:%M:%S") if pd.api.types.is_datetime64_any_dtype(column)
                  else column).tolist()
        columns[name] = [None if value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value))
                         else value for value in values]
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def _with_labels(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The frame with text columns for tooltips: the value as displayed and the counts behind it."""
    out = frame.copy()
    out["shown"] = out["value"].map(lambda v: format_value(v, unit))
    if "numerator" in out and unit != "count":
        out["counts"] = [
            f"{n:,.0f} of {d:,.0f}" if not (pd.isna(n) or pd.isna(d)) else ""
            for n, d in zip(out["numerator"], out["denominator"])]
    return out


def trend_chart(history: pd.DataFrame, unit: str, title: str, target: float | None = None,
                tolerance: float | None = None, polarity: str = "neutral",
                comparators: pd.DataFrame | None = None, height: int = 260, ticks: int = 6) -> dict:
    """The indicator's own line over time, with target line, amber band and annual comparators.

    `history`: period_start, value, numerator, denominator, period_display, complete.
    `comparators`: period_end (date), series (England, Region, ...), value — drawn as distinct
    annual points so they never read as part of the monthly line.
    """
    data = _with_labels(history, unit)
    data["status"] = np.where(data["complete"], "Complete period", "Period so far (partial)")
    numbers = list(data["value"])
    has_target = target is not None and not pd.isna(target)
    tolerance = 0.0 if tolerance is None or pd.isna(tolerance) else float(tolerance)
    if has_target:
        numbers += [target, target - tolerance if polarity == "higher_is_better" else target + tolerance]
    if comparators is not None and not comparators.empty:
        numbers += list(comparators["value"])
    domain = y_domain(numbers, unit)
    y = alt.Y("value:Q", title=_y_title(unit), scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(format=_axis_format(unit), tickCount=5))
    x = alt.X("period_start:T", title=None, axis=time_axis(data["period_start"], _frequency_of(data), most=ticks))
    tooltip = [alt.Tooltip("period_display:N", title="Period"), alt.Tooltip("shown:N", title="Value")]
    if "counts" in data:
        tooltip.append(alt.Tooltip("counts:N", title="Counts"))
    if "interval" in data:
        tooltip.append(alt.Tooltip("interval:N", title="95% interval"))
    tooltip.append(alt.Tooltip("status:N", title="Status"))
    frames: dict[str, pd.DataFrame] = {}
    trend = _named(frames, "trend", data)
    layers = []
    if has_target and tolerance > 0 and polarity != "neutral":
        edge = target - tolerance if polarity == "higher_is_better" else target + tolerance
        band = pd.DataFrame({"low": [min(target, edge)], "high": [max(target, edge)]})
        layers.append(alt.Chart(_named(frames, "band", band)).mark_rect(color=AMBER_BAND, opacity=0.35).encode(
            y=alt.Y("low:Q", scale=alt.Scale(domain=domain, nice=False)), y2=alt.Y2("high")))
    line = alt.Chart(trend).mark_line(color=PALETTE[0], strokeWidth=3).encode(x=x, y=y)
    points = alt.Chart(trend).mark_point(size=70, strokeWidth=2, color=PALETTE[0]).encode(
        x=x, y=y, tooltip=tooltip,
        fill=alt.Fill("status:N", scale=alt.Scale(domain=["Complete period", "Period so far (partial)"],
                                                  range=[PALETTE[0], "#ffffff"]),
                      legend=alt.Legend(title=None) if not data["complete"].all() else None))
    layers += [line, points]
    if has_target:
        rule = _named(frames, "target", pd.DataFrame({"value": [target],
                                                      "label": [f"Target {format_value(target, unit)}"]}))
        layers.append(alt.Chart(rule).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=2)
                      .encode(y=alt.Y("value:Q", scale=alt.Scale(domain=domain, nice=False))))
        layers.append(alt.Chart(rule).mark_text(align="left", dx=4, dy=-8, fontSize=13, color=TARGET_COLOUR,
                                                fontWeight="bold")
                      .encode(y=alt.Y("value:Q", scale=alt.Scale(domain=domain, nice=False)),
                              text=alt.Text("label:N"), x=alt.XValue(0)))
    if comparators is not None and not comparators.empty:
        layers.append(comparator_layer(comparators, unit, domain, frames))
    description = describe_trend(data, unit, title, target)
    return _finish(_layered(*layers, resolve={"fill": "independent", "shape": "independent", "color": "independent"}),
                   description, height, frames)


def comparator_layer(comparators: pd.DataFrame, unit: str, domain: list[float],
                     frames: dict[str, pd.DataFrame]) -> alt.Chart:
    """Annual published figures as large outlined symbols, one shape and colour per comparator."""
    names = [name for name in COMPARATOR_STYLE if name in set(comparators["series"])]
    data = comparators.assign(shown=[format_value(value, unit, decimals=places) for value, places
                                     in zip(comparators["value"], comparators["decimals"])])
    return alt.Chart(_named(frames, "comparators", data)).mark_point(
        size=150, filled=True, opacity=0.9, stroke="#ffffff", strokeWidth=1).encode(
        x=alt.X("period_end:T"),
        y=alt.Y("value:Q", scale=alt.Scale(domain=domain, nice=False)),
        color=alt.Color("series:N", title="Published by DfE",
                        scale=alt.Scale(domain=names, range=[COMPARATOR_STYLE[n][0] for n in names])),
        shape=alt.Shape("series:N", title="Published by DfE",
                        scale=alt.Scale(domain=names, range=[COMPARATOR_STYLE[n][1] for n in names])),
        tooltip=[alt.Tooltip("series:N", title="Comparator"), alt.Tooltip("when:N", title="For"),
                 alt.Tooltip("shown:N", title="Value"), alt.Tooltip("source:N", title="Source")],
    )


def describe_trend(data: pd.DataFrame, unit: str, title: str, target: float | None) -> str:
    """A one-sentence text alternative: first and latest values, highest, lowest and target."""
    known = data.dropna(subset=["value"])
    if known.empty:
        return f"{title}: no data."
    first, last = known.iloc[0], known.iloc[-1]
    high, low = known.loc[known["value"].idxmax()], known.loc[known["value"].idxmin()]
    text = (f"{title}: line chart of {len(known)} periods from {first['period_display']} "
            f"({format_value(first['value'], unit)}) to {last['period_display']} "
            f"({format_value(last['value'], unit)}); highest {format_value(high['value'], unit)} in "
            f"{high['period_display']}, lowest {format_value(low['value'], unit)} in {low['period_display']}.")
    if target is not None and not pd.isna(target):
        text += f" Target {format_value(target, unit)}."
    return text


def breakdown_chart(history: pd.DataFrame, unit: str, title: str, height: int = 220, ticks: int = 6) -> dict:
    """One line per breakdown (e.g. from home and from care), told apart by colour, dash and shape."""
    data = _with_labels(history, unit)
    names = list(dict.fromkeys(data["breakdown"]))
    colours, dashes, shapes = PALETTE[:len(names)], DASHES[:len(names)], SHAPES[:len(names)]
    domain = y_domain(data["value"], unit)
    x = alt.X("period_start:T", title=None, axis=time_axis(data["period_start"], _frequency_of(data), most=ticks))
    y = alt.Y("value:Q", title=_y_title(unit), scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(format=_axis_format(unit), tickCount=5))
    legend = alt.Legend(title=None)
    colour = alt.Color("breakdown:N", scale=alt.Scale(domain=names, range=colours), legend=legend)
    tooltip = [alt.Tooltip("breakdown:N", title="Breakdown"), alt.Tooltip("period_display:N", title="Period"),
               alt.Tooltip("shown:N", title="Value")]
    if "counts" in data:
        tooltip.append(alt.Tooltip("counts:N", title="Counts"))
    frames: dict[str, pd.DataFrame] = {}
    parts = _named(frames, "parts", data)
    lines = alt.Chart(parts).mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour,
        strokeDash=alt.StrokeDash("breakdown:N", scale=alt.Scale(domain=names, range=dashes), legend=legend))
    points = alt.Chart(parts).mark_point(size=50, filled=True).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        shape=alt.Shape("breakdown:N", scale=alt.Scale(domain=names, range=shapes), legend=legend))
    description = f"{title} by breakdown: " + "; ".join(
        f"{name} latest {format_value(group['value'].iloc[-1], unit)}"
        for name, group in data.dropna(subset=["value"]).groupby("breakdown", sort=False)) + "."
    return _finish(_layered(lines, points), description, height, frames)


def spc_chart(points: pd.DataFrame, unit: str, title: str, target: float | None = None,
              height: int = 260) -> dict:
    """A Making Data Count XmR chart: grey common cause, blue improvement, orange concern, purple neutral.

    `points`: period_start, period_display, value, mean, lpl, upl, point_type (from spc.xmr).
    """
    data = _with_labels(points, unit)
    data["meaning"] = data["point_type"].map(SPC_LABELS)
    numbers = list(data["value"]) + list(data["lpl"]) + list(data["upl"])
    if target is not None and not pd.isna(target):
        numbers.append(target)
    domain = y_domain(numbers, unit)
    scale = alt.Scale(domain=domain, nice=False)
    x = alt.X("period_start:T", title=None, axis=time_axis(data["period_start"]))
    y = alt.Y("value:Q", title=_y_title(unit), scale=scale, axis=alt.Axis(format=_axis_format(unit)))
    present = [kind for kind in SPC_COLOURS if kind in set(data["point_type"])]
    frames: dict[str, pd.DataFrame] = {}
    named = _named(frames, "spc", data)
    line = alt.Chart(named).mark_line(color="#7f7f7f", strokeWidth=1.5).encode(x=x, y=y)
    dots = alt.Chart(named).mark_point(size=80, filled=True).encode(
        x=x, y=y,
        color=alt.Color("meaning:N", title=None,
                        scale=alt.Scale(domain=[SPC_LABELS[k] for k in present],
                                        range=[SPC_COLOURS[k] for k in present])),
        shape=alt.Shape("meaning:N", title=None,
                        scale=alt.Scale(domain=[SPC_LABELS[k] for k in present],
                                        range=[{"common_cause": "circle", "improvement": "triangle-up",
                                                "concern": "diamond", "neutral": "square"}[k] for k in present])),
        tooltip=[alt.Tooltip("period_display:N", title="Period"), alt.Tooltip("shown:N", title="Value"),
                 alt.Tooltip("meaning:N", title="Variation")])
    layers = [line]
    for column, dash, label in (("mean", [1, 0], "Mean"), ("upl", [4, 3], "Upper process limit"),
                                ("lpl", [4, 3], "Lower process limit")):
        layers.append(alt.Chart(named).mark_line(color="#404040", strokeDash=dash, strokeWidth=1.2,
                                                interpolate="step-after")
                      .encode(x=x, y=alt.Y(f"{column}:Q", scale=scale),
                              tooltip=[alt.Tooltip(f"{column}:Q", title=label, format=",.1f")]))
    if target is not None and not pd.isna(target):
        layers.append(alt.Chart(_named(frames, "target", pd.DataFrame({"value": [target]})))
                      .mark_rule(color="#C00000", strokeDash=[8, 4], strokeWidth=2)
                      .encode(y=alt.Y("value:Q", scale=scale)))
    layers.append(dots)
    last = data.iloc[-1]
    description = (f"{title}: statistical process control chart of {len(data)} points; mean "
                   f"{format_value(last['mean'], unit)}, process limits {format_value(last['lpl'], unit)} to "
                   f"{format_value(last['upl'], unit)}; latest {format_value(last['value'], unit)} "
                   f"({SPC_LABELS[last['point_type']].lower()}).")
    return _finish(_layered(*layers), description, height, frames)


def seasonal_chart(history: pd.DataFrame, unit: str, title: str, height: int = 240) -> dict:
    """Month of year, April to March, one line per financial year (newest darkest and solid)."""
    data = _with_labels(history, unit)
    starts = pd.to_datetime(data["period_start"])
    data["month_name"] = starts.dt.strftime("%b")
    data["financial_year"] = [f"{y if m >= 4 else y - 1}-{(y + 1 if m >= 4 else y) % 100:02d}"
                              for y, m in zip(starts.dt.year, starts.dt.month)]
    years = sorted(data["financial_year"].unique())
    greys = ["#bdbdbd", "#969696", "#737373", "#525252", "#252525"][-max(len(years) - 1, 1):]
    colours = (greys[-(len(years) - 1):] if len(years) > 1 else []) + [PALETTE[0]]
    dashes = [[2, 2]] * (len(years) - 1) + [[1, 0]]
    domain = y_domain(data["value"], unit)
    encode = dict(
        x=alt.X("month_name:N", sort=MONTH_ORDER, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=_y_title(unit), scale=alt.Scale(domain=domain, nice=False),
                axis=alt.Axis(format=_axis_format(unit))),
        color=alt.Color("financial_year:N", title="Financial year", scale=alt.Scale(domain=years, range=colours)),
        strokeDash=alt.StrokeDash("financial_year:N", title="Financial year",
                                  scale=alt.Scale(domain=years, range=dashes)),
    )
    frames: dict[str, pd.DataFrame] = {}
    lines = alt.Chart(_named(frames, "years", data)).mark_line(point=True, strokeWidth=2.5).encode(
        **encode, tooltip=[alt.Tooltip("financial_year:N", title="Year"), alt.Tooltip("month_name:N", title="Month"),
                           alt.Tooltip("shown:N", title="Value")])
    description = f"{title}: one line per financial year from April to March, {len(years)} years."
    return _finish(_layered(lines), description, height, frames)


def explore_chart(frame: pd.DataFrame, height: int = 360) -> dict:
    """Several indicators on one time axis, each with its own colour, dash and shape; one axis per unit."""
    data = frame.copy()
    data["shown"] = [format_value(v, u) for v, u in zip(data["value"], data["unit"])]
    names = list(dict.fromkeys(data["series"]))
    legend = alt.Legend(title=None, labelLimit=500, orient="bottom", columns=1)
    encode = dict(
        x=alt.X("period_start:T", title=None, axis=time_axis(data["period_start"], _frequency_of(data))),
        color=alt.Color("series:N", scale=alt.Scale(domain=names, range=PALETTE[:len(names)]), legend=legend),
    )
    units = list(dict.fromkeys(data["unit"]))
    frames: dict[str, pd.DataFrame] = {}
    layers = []
    for index, unit in enumerate(units[:2]):
        part = data[data["unit"] == unit]
        y = alt.Y("value:Q", title=_y_title(unit), scale=alt.Scale(domain=y_domain(part["value"], unit), nice=False),
                  axis=alt.Axis(format=_axis_format(unit), orient="left" if index == 0 else "right"))
        layers.append(alt.Chart(_named(frames, f"unit_{index}", part))
                      .mark_line(point=alt.OverlayMarkDef(size=40, filled=True), strokeWidth=2.5)
                      .encode(y=y, **encode,
                              strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=names,
                                                                                    range=DASHES[:len(names)]),
                                                        legend=legend),
                              tooltip=[alt.Tooltip("series:N", title="Indicator"),
                                       alt.Tooltip("period_display:N", title="Period"),
                                       alt.Tooltip("shown:N", title="Value")]))
    description = "Comparison of " + ", ".join(names) + " over time."
    return _finish(_layered(*layers, resolve={"y": "independent"}), description, height, frames)


def neighbour_bars(table: pd.DataFrame, unit: str, title: str, highlight: str,
                   height: int = 320) -> dict:
    """Every authority's published figure as a sorted bar, this authority highlighted by colour and label."""
    data = table.copy()
    data["shown"] = data["value"].map(lambda v: format_value(v, unit))
    data["who"] = ["This authority" if highlight and highlight in str(code).split(" / ") else "Other authority"
                   for code in data["la_code"]]
    frames: dict[str, pd.DataFrame] = {}
    bars = alt.Chart(_named(frames, "authorities", data)).mark_bar().encode(
        y=alt.Y("la_name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title=UNIT_LABELS.get(unit) or _y_title(unit),
                scale=alt.Scale(domain=y_domain(data["value"], unit))),
        color=alt.Color("who:N", title=None, scale=alt.Scale(domain=["This authority", "Other authority"],
                                                            range=[PALETTE[1], "#9ecae1"])),
        tooltip=[alt.Tooltip("la_name:N", title="Authority"), alt.Tooltip("shown:N", title="Value")])
    labels = bars.mark_text(align="left", dx=4, fontSize=12, color="#0b0c0c").encode(text=alt.Text("shown:N"))
    description = f"{title}: bar chart of {len(data)} authorities' published figures."
    return _finish(_layered(bars, labels), description, height, frames)


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """A series with the words people read for each period ('Q2 2025-26 to August 2025')."""
    out = history.copy()
    out["period_display"] = [
        parse_period(label).display(None if complete else parse_period(up_to).end_month)
        for label, complete, up_to in zip(out["period"], out["complete"], out["up_to"])]
    return out


def _with_interval(history: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Add the 95% Wilson interval as text for percentages."""
    if unit != "percent":
        return history
    out = history.copy()
    out["interval"] = [
        "" if pd.isna(n) or pd.isna(d) else "{:.1f}% to {:.1f}%".format(*indicators.wilson_interval(n, d))
        + (" (small number: treat with caution)" if indicators.is_small_denominator(d, unit) else "")
        for n, d in zip(out["numerator"], out["denominator"])]
    return out


def comparable_with_annual(indicator, frequency: str) -> bool:
    """True when published annual figures can sit on the same axis as this series.

    Percentages and snapshots (`last`) compare at any frequency; counts and rates that add
    up over months compare only with a financial year's total.
    """
    return frequency == "year" or indicator.unit == "percent" or indicator.aggregation == "last"


def indicator_trend(indicator, history: pd.DataFrame, comparators: pd.DataFrame | None = None,
                    ticks: int = 6) -> dict:
    """An indicator's trend chart from its period_values rows (already suppressed if for public view).

    Published annual figures are drawn only where comparable and only within the council's own
    months (earlier years stay in the comparison table), so they never squeeze the council's line.
    """
    totals = _with_interval(history_frame(history[history["breakdown"] == ""]), indicator.unit)
    if totals.empty or not comparable_with_annual(indicator, totals["frequency"].iloc[0]):
        comparators = None
    elif comparators is not None:
        first, last = totals["period_start"].min(), totals["period_start"].max() + pd.DateOffset(months=MONTHS_IN[
            totals["frequency"].iloc[-1]])
        comparators = comparators[(comparators["period_end"] >= first) & (comparators["period_end"] < last)]
    return trend_chart(totals, indicator.unit, indicator.title, indicator.target, indicator.amber_tolerance,
                       indicator.polarity, comparators, ticks=ticks)


PUBLIC_SPC_REASON = "No SPC chart in public view: some monthly figures are 5 or fewer and are not shown."


def _own_totals(report, indicator_id: str) -> pd.DataFrame:
    """An indicator's total figures at its own frequency, with the words for each period."""
    own = report.own_of(indicator_id)
    return history_frame(own[own["breakdown"] == ""])


def _spc_hidden(totals: pd.DataFrame, public: bool) -> bool:
    """True when public view withholds a figure the SPC chart would plot."""
    return public and bool(totals.get("value_c", pd.Series(False, index=totals.index)).any())


def spc_reason(report, indicator_id: str, public: bool) -> str:
    """Why an indicator has no SPC chart in this view."""
    if _spc_hidden(_own_totals(report, indicator_id), public):
        return PUBLIC_SPC_REASON
    return report.indicator(indicator_id)["spc_reason"]


def report_charts(report, indicator_id: str, average: str, public: bool = False) -> dict:
    """Every chart for one indicator of a report: `trend`, and where they apply `breakdown`, `spc`, `seasonal`.

    The report is already suppressed for public view where `public`; an SPC chart is drawn from
    the same result that gives the indicator's icons, and in public only when no monthly figure
    it plots is withheld.
    """
    row = report.indicator(indicator_id)
    unit, title = row["unit"], row["title"]
    history = report.history_of(indicator_id)
    out = {"trend": report_trend(report, indicator_id, average)}
    parts = history[history["breakdown"] != ""]
    if not parts.empty:
        out["breakdown"] = breakdown_chart(history_frame(parts), unit, title)
    totals = _own_totals(report, indicator_id)
    result = report.spc.get(indicator_id)
    if result is not None and not _spc_hidden(totals, public):
        used = totals[totals["value"].notna()].reset_index(drop=True)
        points = result.points.assign(period_start=used["period_start"], period_display=used["period_display"])
        out["spc"] = spc_chart(points, unit, title, row["target"])
    if (totals["frequency"] == "month").sum() >= SEASONAL_MIN_MONTHS:
        out["seasonal"] = seasonal_chart(totals, unit, title)
    return out


def report_trend(report, indicator_id: str, average: str, ticks: int = 6) -> dict:
    """An indicator's trend up to the report's period, with its published comparators where comparable."""
    points = benchmarking.comparator_points(report.published_of(indicator_id), indicator_id, average)
    return indicator_trend(report.indicator(indicator_id), report.history_of(indicator_id), points, ticks)


PACK_TICKS = 4  # a pack panel's chart is about 360 pixels wide


def pack_chart(report, indicator_id: str, average: str) -> dict:
    """The chart of an indicator's pack panel: a count split into parts (home and care, duration bands)
    shows its parts, as the committee asked; anything else its trend with published comparators."""
    row = report.indicator(indicator_id)
    history = report.history_of(indicator_id)
    parts = history[history["breakdown"] != ""]
    if row["unit"] == "count" and not parts.empty:
        return breakdown_chart(history_frame(parts), row["unit"], row["title"], ticks=PACK_TICKS)
    return report_trend(report, indicator_id, average, PACK_TICKS)


def report_sparkline(report, indicator_id: str) -> dict:
    """A committee tile's small trend of the latest periods up to the report's period."""
    row = report.indicator(indicator_id)
    history = report.history_of(indicator_id)
    return sparkline(history[history["breakdown"] == ""], row["unit"], row["title"], row["target"])


SPARKLINE_FONT = 18  # committee mode: legible on a projector (no text under 18 px at 1920x1080)


def sparkline(history: pd.DataFrame, unit: str, title: str, target: float | None = None,
              height: int = 110) -> dict:
    """A small trend of the latest 13 periods with the target, for committee mode's tiles."""
    data = history_frame(history).tail(SPARKLINE_PERIODS)  # suppressed months stay as gaps, never joined across
    data = data.assign(shown=data["value"].map(lambda v: format_value(v, unit)))
    numbers = list(data["value"]) + ([target] if target is not None and not pd.isna(target) else [])
    scale = alt.Scale(domain=y_domain(numbers, unit), nice=False)
    x = alt.X("period_start:T", title=None, axis=time_axis(data["period_start"], _frequency_of(data), most=3,
                                                          month_format="%b %y", labelFontSize=SPARKLINE_FONT,
                                                          grid=False))
    y = alt.Y("value:Q", title=None, scale=scale, axis=alt.Axis(format=_axis_format(unit), tickCount=3,
                                                                labelFontSize=SPARKLINE_FONT))
    frames: dict[str, pd.DataFrame] = {}
    layers = [alt.Chart(_named(frames, "trend", data)).mark_line(color=PALETTE[0], strokeWidth=3,
                                                                 point=alt.OverlayMarkDef(size=30))
              .encode(x=x, y=y, tooltip=[alt.Tooltip("period_display:N", title="Period"),
                                         alt.Tooltip("shown:N", title="Value")])]
    if target is not None and not pd.isna(target):
        layers.append(alt.Chart(_named(frames, "target", pd.DataFrame({"value": [target]})))
                      .mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4], strokeWidth=2).encode(y=alt.Y("value:Q", scale=scale)))
    description = describe_trend(data, unit, title, target)
    return _finish(_layered(*layers), description, height, frames)
