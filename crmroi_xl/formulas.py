"""Every computed cell of the workbook: native formula, UDF formula, semantic key.

Part of the layout description (:mod:`crmroi_xl.layout` places the cells, this
module writes what they compute). Native formulas use only functions that
Excel, LibreOffice and Google Sheets all compute (no ``_xlfn.`` function);
UDF formulas call the ``CRM_*`` functions of ``udfs.py`` where a metric is
computed. A result the scenario cannot define is ``#N/A`` (``NA()``).

Each row of a table has one formula along its year columns; the year index
comes from the timeline row above the table, never from a constant.
"""

from __future__ import annotations

from collections.abc import Iterator

from .layout import (
    ADOPTION_CALC_ROW,
    ADOPTION_ROW,
    CHECKS,
    SUMMARY_ROWS,
    SUMMARY_T_ROW,
    YEARS,
    Formula,
    Layout,
    Table,
)

__all__ = ["all_formulas"]


def all_formulas(layout: Layout) -> Iterator[Formula]:
    """Every computed cell of ``layout``, sheet by sheet."""
    yield from _assumptions(layout)
    yield from _costs(layout)
    yield from _benefits(layout)
    yield from _kpis(layout)
    yield from _channels(layout)
    yield from _summary(layout)
    yield from _checks(layout)


def _col(table: Table, key: str, row: int) -> str:
    """``$X12``: column fixed, row relative (the same formula on every line)."""
    return f"${table.letter(key)}{row}"


def _assumptions(layout: Layout) -> Iterator[Formula]:
    for t in YEARS[1:]:
        col = chr(ord("A") + t)
        yield Formula(
            "assumptions",
            f"{col}{ADOPTION_CALC_ROW}",
            f'=IF({col}{ADOPTION_ROW}="",1,{col}{ADOPTION_ROW})',
            ("adoption", t),
            fmt="pct",
        )


def _timeline(table: Table, layout: Layout) -> Iterator[Formula]:
    """Calendar years above the year columns of a table."""
    index_row = table.header_row - 2
    for t in YEARS:
        col = table.letter(f"y{t}")
        yield Formula(
            table.sheet,
            f"{col}{table.header_row - 1}",
            f'=IF(In_StartYear="","",In_StartYear+{col}${index_row})',
            ("calendar", t),
            style="timeline",
            fmt="year",
        )


def _row_check(
    table: Table, i: int, section: str, values: tuple[str, str], incomplete: str
) -> Formula:
    """The line-check cell: 1 when values are typed on a line without its key (label,
    KPI, channel name) or when the line is ``incomplete``, else 0."""
    r = table.row(i)
    key = _col(table, table.columns[0].key, r)
    first, last = (_col(table, v, r) for v in values)
    return Formula(
        table.sheet,
        f"{table.check_letter}{r}",
        f'=IF(AND({key}="",COUNT({first}:{last})>0),1,IF(AND({key}<>"",{incomplete}),1,0))',
        (section, "check", i),
        style="check",
        fmt="check",
    )


def _costs(layout: Layout) -> Iterator[Formula]:
    table = layout.costs
    yield from _timeline(table, layout)
    t_row = table.header_row - 2
    for i in range(table.capacity):
        r = table.row(i)

        def c(key: str, r: int = r) -> str:
            return _col(table, key, r)

        blank = f'{c("label")}=""'
        yield Formula(
            "costs",
            table.cell("nature_eff", i),
            f'=IF({blank},"",IF({c("nature")}<>"",{c("nature")},'
            f"IF(COUNTIF(List_IndirectCategories,{c('category')})>0,Lbl_Indirect,Lbl_Direct)))",
            ("cost", "nature", i),
            fmt="text",
        )
        yield Formula(
            "costs",
            table.cell("base", i),
            f'=IF({blank},"",{c("amount_per_year")}+{c("seats")}*{c("price_per_seat_month")}'
            f"*MonthsPerYear+{c('hours_per_year')}*{c('hourly_rate')})",
            ("cost", "base", i),
        )
        for t in YEARS:
            y = f"{table.letter(f'y{t}')}${t_row}"
            yield Formula(
                "costs",
                table.year_cell(t, i),
                f'=IF({blank},"",IF({y}=0,{c("one_off")},IF(AND({y}<=In_Horizon,'
                f'OR({c("years")}="",{y}<={c("years")})),'
                f"{c('base')}*(1+{c('annual_increase')})^({y}-1),0))*(1+In_CostRisk))",
                ("cost", "year", i, t),
            )
        yield _row_check(table, i, "cost", ("one_off", "years"), f'{c("category")}=""')
    nature = table.span("nature_eff")
    for t in YEARS:
        col = table.letter(f"y{t}")
        span = f"{col}${table.first_row}:{col}${table.last_row}"
        yield Formula(
            "costs", f"{col}{table.total_row}", f"=SUM({span})", ("cost", "total", t), style="total"
        )
        yield Formula(
            "costs",
            f"{col}{table.total_row + 1}",
            f"=SUMIF({nature},Lbl_Direct,{span})",
            ("cost", "direct", t),
            style="subtotal",
        )
        yield Formula(
            "costs",
            f"{col}{table.total_row + 2}",
            f"=SUMIF({nature},Lbl_Indirect,{span})",
            ("cost", "indirect", t),
            style="subtotal",
        )


def _benefits(layout: Layout) -> Iterator[Formula]:
    table = layout.benefits
    yield from _timeline(table, layout)
    t_row = table.header_row - 2
    for i in range(table.capacity):
        r = table.row(i)

        def c(key: str, r: int = r) -> str:
            return _col(table, key, r)

        blank = f'{c("label")}=""'
        yield Formula(
            "benefits",
            table.cell("counted", i),
            f'=IF({blank},"",IF({c("include_in_roi")}="",IF({c("category")}=Lbl_Intangible,0,1),'
            f"IF({c('include_in_roi')}=Lbl_Yes,1,0)))",
            ("benefit", "counted", i),
            fmt="int",
        )
        margin = f'IF({c("gross_margin")}="",1,{c("gross_margin")})'
        yield Formula(
            "benefits",
            table.cell("base", i),
            f'=IF({blank},"",{c("amount_per_year")}+{c("extra_sales_per_month")}*MonthsPerYear'
            f"*{c('average_deal_value')}*{margin}+{c('hours_saved_per_year')}*{c('hourly_rate')})",
            ("benefit", "base", i),
        )
        for t in YEARS:
            y = f"{table.letter(f'y{t}')}${t_row}"
            yield Formula(
                "benefits",
                table.year_cell(t, i),
                f'=IF({blank},"",IF(OR({y}=0,{y}>In_Horizon),0,'
                f"{c('base')}*(1+{c('annual_growth')})^({y}-1)*INDEX(Calc_Adoption,{y})"
                f"*(1-In_BenefitRisk)))",
                ("benefit", "year", i, t),
            )
        yield _row_check(
            table, i, "benefit", ("amount_per_year", "annual_growth"), f'{c("category")}=""'
        )
    counted = table.span("counted")
    for t in YEARS:
        col = table.letter(f"y{t}")
        span = f"{col}${table.first_row}:{col}${table.last_row}"
        yield Formula(
            "benefits",
            f"{col}{table.total_row}",
            f"=SUMIF({counted},1,{span})",
            ("benefit", "total", t),
            style="total",
        )
        yield Formula(
            "benefits",
            f"{col}{table.total_row + 1}",
            f"=SUMIF({counted},0,{span})",
            ("benefit", "uncounted", t),
            style="subtotal",
        )


def _kpis(layout: Layout) -> Iterator[Formula]:
    table = layout.kpis
    for i in range(table.capacity):
        r = table.row(i)

        def c(key: str, r: int = r) -> str:
            return _col(table, key, r)

        blank = f'{c("kind")}=""'
        before, after = c("before"), c("after")
        yield Formula(
            "kpis",
            table.cell("change", i),
            f'=IF({blank},"",{after}-{before})',
            ("kpi", "change", i),
            fmt="num2",
        )
        guard = f'=IF({blank},"",IF({before}=0,NA(),'
        yield Formula(
            "kpis",
            table.cell("relative_change", i),
            f"{guard}({after}-{before})/ABS({before})))",
            ("kpi", "relative_change", i),
            fmt="pct1",
            udf=f"{guard}CRM_CHANGE({before},{after})))",
        )
        yield Formula(
            "kpis",
            table.cell("higher_eff", i),
            f'=IF({blank},"",IF({c("higher_is_better")}<>"",{c("higher_is_better")},'
            f"VLOOKUP({c('kind')},Tbl_KpiDefaults,3,FALSE)))",
            ("kpi", "higher_eff", i),
            fmt="text",
        )
        yield Formula(
            "kpis",
            table.cell("trend", i),
            f'=IF({blank},"",IF({after}={before},"=",'
            f'IF(({after}>{before})=({c("higher_eff")}=Lbl_Yes),"▲","▼")))',
            ("kpi", "trend", i),
            fmt="text",
        )
        yield _row_check(table, i, "kpi", ("before", "after"), f'OR({before}="",{after}="")')


def _channels(layout: Layout) -> Iterator[Formula]:
    table = layout.channels
    for i in range(table.capacity):
        r = table.row(i)

        def c(key: str, r: int = r) -> str:
            return _col(table, key, r)

        spend, revenue, new = c("spend"), c("attributed_revenue"), c("new_customers")
        margin = f'IF({c("gross_margin")}="",1,{c("gross_margin")})'
        guard = f'=IF({c("name")}="","",IF({spend}=0,NA(),'
        yield Formula(
            "channels",
            table.cell("roas", i),
            f"{guard}{revenue}/{spend}))",
            ("channel", "roas", i),
            fmt="ratio",
            udf=f"{guard}CRM_ROAS({revenue},{spend})))",
        )
        yield Formula(
            "channels",
            table.cell("roi", i),
            f"{guard}({revenue}*{margin}-{spend})/{spend}))",
            ("channel", "roi", i),
            fmt="pct1",
            udf=f"{guard}CRM_ROI({revenue}*{margin},{spend})))",
        )
        cac_guard = f'=IF({c("name")}="","",IF({new}=0,NA(),'
        yield Formula(
            "channels",
            table.cell("cac", i),
            f"{cac_guard}{spend}/{new}))",
            ("channel", "cac", i),
            udf=f"{cac_guard}CRM_CAC({spend},{new})))",
        )
        yield _row_check(table, i, "channel", ("spend", "gross_margin"), f'{spend}=""')
    total = table.total_row
    for key in ("spend", "attributed_revenue", "new_customers"):
        col = table.letter(key)
        fmt = "int" if key == "new_customers" else "eur"
        yield Formula(
            "channels",
            f"{col}{total}",
            f"=SUM({table.span(key)})",
            ("channel", "total", key),
            style="total",
            fmt=fmt,
        )
    spend, revenue = f"B{total}", f"C{total}"
    yield Formula(
        "channels",
        f"{table.letter('roas')}{total}",
        f"=IF({spend}=0,NA(),{revenue}/{spend})",
        ("channel", "total", "roas"),
        style="total",
        fmt="ratio",
        udf=f"=IF({spend}=0,NA(),CRM_ROAS({table.span('attributed_revenue')},{table.span('spend')}))",
    )
    yield from _customers(layout)


def _customers(layout: Layout) -> Iterator[Formula]:
    table, row = layout.channels, layout.customers_calc_row
    no_channel = f"COUNTA({table.span('name')})=0"
    total = table.total_row
    spend, new, clv, cac = (f"B{row + i}" for i in range(4))
    yield Formula(
        "channels",
        spend,
        f'=IF(In_AcqSpend="",IF({no_channel},NA(),B{total}),In_AcqSpend)',
        ("customers", "spend"),
    )
    yield Formula(
        "channels",
        new,
        f'=IF(In_NewCustomers="",IF({no_channel},NA(),D{total}),In_NewCustomers)',
        ("customers", "new"),
        fmt="int",
    )
    denominator = "(1+In_DiscountRate-In_Retention)"
    missing = 'OR(In_Margin="",In_Retention="")'
    yield Formula(
        "channels",
        clv,
        f'=IF({missing},NA(),IF(In_ClvYears="",IF({denominator}<=0,NA(),In_Margin/{denominator}),'
        f"IF({denominator}=0,In_Margin*In_ClvYears/(1+In_DiscountRate),"
        f"In_Margin*(1-(In_Retention/(1+In_DiscountRate))^In_ClvYears)/{denominator})))",
        ("customers", "clv"),
        style="output",
        udf=f"=IF({missing},NA(),IFERROR(CRM_CLV(In_Margin,In_Retention,In_DiscountRate,"
        f"In_ClvYears),NA()))",
    )
    yield Formula(
        "channels",
        cac,
        f"=IF({new}=0,NA(),{spend}/{new})",
        ("customers", "cac"),
        style="output",
        udf=f"=IF({new}=0,NA(),CRM_CAC({spend},{new}))",
    )
    guard = f"=IF(OR(ISERROR({clv}),ISERROR({cac})),NA(),IF({cac}=0,NA(),"
    yield Formula(
        "channels",
        f"B{row + 4}",
        f"{guard}{clv}/{cac}))",
        ("customers", "clv_cac"),
        style="output",
        fmt="ratio",
        udf=f"{guard}CRM_CLV_CAC({clv},{cac})))",
    )


def _summary(layout: Layout) -> Iterator[Formula]:
    def at(key: str, t: int) -> str:
        return layout.summary_cell(key, t)

    costs, benefits = layout.costs, layout.benefits
    links = {
        "costs": (costs, costs.total_row),
        "direct_costs": (costs, costs.total_row + 1),
        "indirect_costs": (costs, costs.total_row + 2),
        "benefits": (benefits, benefits.total_row),
        "uncounted_benefits": (benefits, benefits.total_row + 1),
    }
    for t in YEARS:
        col, t_cell = layout.summary_col(t), f"{layout.summary_col(t)}${SUMMARY_T_ROW}"
        first = layout.summary_col(0)
        rows = {key: SUMMARY_ROWS[key][0] for key in SUMMARY_ROWS}
        formulas: dict[str, str] = {
            "calendar": f'=IF(In_StartYear="","",In_StartYear+{t_cell})',
            "in_horizon": f"=IF({t_cell}<=In_Horizon,1,0)",
            "net_flow": f"={at('benefits', t)}-{at('costs', t)}",
            "cumulative_flow": f"=SUM(${first}{rows['net_flow']}:{at('net_flow', t)})",
            "discount_factors": f"=1/(1+In_DiscountRate)^{t_cell}",
            "present_values": f"={at('net_flow', t)}*{at('discount_factors', t)}",
            "cumulative_present_values": (
                f"=SUM(${first}{rows['present_values']}:{at('present_values', t)})"
            ),
        }
        for key, (table, row) in links.items():
            formulas[key] = "=" + layout.ref(table.sheet, f"{table.letter(f'y{t}')}{row}")
        if t > 0:
            prev = layout.summary_col(t - 1)
            for key, cumulative, flow in (
                ("payback_points", "cumulative_flow", "net_flow"),
                ("discounted_payback_points", "cumulative_present_values", "present_values"),
            ):
                before, now = f"{prev}{rows[cumulative]}", at(cumulative, t)
                formulas[key] = (
                    f'=IF(AND({before}<0,{now}>=0),{prev}${SUMMARY_T_ROW}+(-{before})/{at(flow, t)},"")'
                )
        for key, text in formulas.items():
            _, _, fmt = SUMMARY_ROWS[key]
            style = "timeline" if key == "calendar" else "calc"
            yield Formula(
                "summary", f"{col}{rows[key]}", text, ("summary", key, t), style=style, fmt=fmt
            )
    yield from _headline(layout)


def _headline(layout: Layout) -> Iterator[Formula]:
    s = layout.summary_span
    net = s("net_flow")
    later_net = s("net_flow", first=1)
    first_net = layout.summary_cell("net_flow", 0)
    channels, row = layout.channels, layout.customers_calc_row

    def payback(cumulative_key: str, points_key: str) -> str:
        points = s(points_key, first=1)
        return f"=IF(MIN({s(cumulative_key)})>=0,0,IF(COUNT({points})=0,NA(),MIN({points})))"

    no_irr = f'OR(COUNTIF({net},">0")=0,COUNTIF({net},"<0")=0)'
    out: dict[str, tuple[str, str | None]] = {
        "roi": ("=IF(B15=0,NA(),(B16-B15)/B15)", "=IF(B15=0,NA(),CRM_ROI(B16,B15))"),
        "roi_pv": ("=IF(B18=0,NA(),(B19-B18)/B18)", "=IF(B18=0,NA(),CRM_ROI(B19,B18))"),
        "npv": (
            f"={first_net}+NPV(In_DiscountRate,{later_net})",
            f"=CRM_NPV(In_DiscountRate,{net})",
        ),
        "irr": (
            f'=IF({no_irr},NA(),IRR({net},IF(In_IrrGuess="",IrrDefaultGuess,In_IrrGuess)))',
            f"=IF({no_irr},NA(),CRM_IRR({net}))",
        ),
        "payback": (payback("cumulative_flow", "payback_points"), f"=CRM_PAYBACK({net})"),
        "payback_months": ("=B8*MonthsPerYear", None),
        "discounted_payback": (
            payback("cumulative_present_values", "discounted_payback_points"),
            f"=CRM_PAYBACK({net},In_DiscountRate)",
        ),
        "roas": (
            "=" + layout.ref("channels", f"{channels.letter('roas')}{channels.total_row}"),
            None,
        ),
        "clv": ("=" + layout.ref("channels", f"B{row + 2}"), None),
        "cac": ("=" + layout.ref("channels", f"B{row + 3}"), None),
        "clv_cac_ratio": ("=" + layout.ref("channels", f"B{row + 4}"), None),
        "total_costs": (f"=SUM({s('costs')})", None),
        "total_benefits": (f"=SUM({s('benefits')})", None),
        "net_benefit": ("=B16-B15", None),
        "pv_costs": (f"=SUMPRODUCT({s('costs')},{s('discount_factors')})", None),
        "pv_benefits": (f"=SUMPRODUCT({s('benefits')},{s('discount_factors')})", None),
        "check": (
            "=IF(" + layout.ref("checks", f"$C${layout.master_check_row}") + "=1,Lbl_OK,Lbl_Error)",
            None,
        ),
    }
    from .layout import HEADLINE

    for _, hrow, key, fmt in HEADLINE:
        native, udf = out[key]
        yield Formula(
            "summary", f"B{hrow}", native, ("headline", key), style="output", fmt=fmt, udf=udf
        )


def _checks(layout: Layout) -> Iterator[Formula]:
    costs, benefits = layout.costs, layout.benefits

    def row_span(table: Table, row: int) -> str:
        first, last = table.letter("y0"), table.letter(f"y{YEARS[-1]}")
        return layout.ref(table.sheet, f"${first}${row}:${last}${row}")

    def summary(key: str) -> str:
        return layout.ref("summary", layout.summary_span(key))

    def flags(table: Table) -> str:
        col = table.check_letter
        return layout.ref(table.sheet, f"${col}${table.first_row}:${col}${table.last_row}")

    last_cumulative = layout.ref("summary", layout.summary_cell("cumulative_flow", YEARS[-1]))
    differences = {
        "costs_reconcile": f"=ABS(SUM({summary('costs')})-SUM({row_span(costs, costs.total_row)}))",
        "benefits_reconcile": (
            f"=ABS(SUM({summary('benefits')})-SUM({row_span(benefits, benefits.total_row)}))"
        ),
        "nature_split": (
            f"=ABS(SUM({row_span(costs, costs.total_row + 1)})"
            f"+SUM({row_span(costs, costs.total_row + 2)})-SUM({row_span(costs, costs.total_row)}))"
        ),
        "npv_reconcile": f"=ABS(Out_NPV-SUM({summary('present_values')}))",
        "cumulative_reconcile": f"=ABS({last_cumulative}-Out_Net_Benefit)",
    }
    counts = {
        "name_given": '=IF(In_Name="",1,0)',
        "horizon_valid": (
            "=IF(AND(ISNUMBER(In_Horizon),In_Horizon>=1,In_Horizon<=10,"
            "In_Horizon=INT(In_Horizon)),0,1)"
        ),
        "rate_valid": (
            "=IF(AND(ISNUMBER(In_DiscountRate),In_DiscountRate>=0,In_DiscountRate<=1),0,1)"
        ),
        "cost_lines": f"=SUM({flags(costs)})",
        "benefit_lines": f"=SUM({flags(benefits)})",
        "kpi_lines": f"=SUM({flags(layout.kpis)})",
        "channel_lines": f"=SUM({flags(layout.channels)})",
        "customers_complete": '=IF((In_Margin="")=(In_Retention=""),0,1)',
    }
    for i, (key, _) in enumerate(CHECKS):
        row = 5 + i
        if key in differences:
            yield Formula("checks", f"B{row}", differences[key], ("check", key, "value"))
            passed = f"=IF(B{row}<=Tolerance,1,0)"
        else:
            yield Formula("checks", f"B{row}", counts[key], ("check", key, "value"), fmt="int")
            passed = f"=IF(B{row}=0,1,0)"
        yield Formula(
            "checks", f"C{row}", passed, ("check", key, "passed"), style="check", fmt="int"
        )
        yield Formula(
            "checks",
            f"D{row}",
            f"=IF(C{row}=1,Lbl_OK,Lbl_Error)",
            ("check", key, "status"),
            fmt="text",
        )
    master = layout.master_check_row
    yield Formula(
        "checks",
        f"C{master}",
        f"=MIN(C5:C{4 + len(CHECKS)})",
        ("check", "master", "passed"),
        style="output",
        fmt="int",
    )
    yield Formula(
        "checks",
        f"D{master}",
        f"=IF(C{master}=1,Lbl_OK,Lbl_Error)",
        ("check", "master", "status"),
        style="output",
        fmt="text",
    )
