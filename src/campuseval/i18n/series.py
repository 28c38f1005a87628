"""Messages of multi-year runs: --years, per-year targets and the trend section."""

MESSAGES: dict[str, tuple[str, str]] = {
    "years.bad_span": ("“{span}” 不是年度范围", "'{span}' is not a range of years"),
    "years.bad_span.hint": ("写成 起始年-结束年，如 --years 2020-2024（起始年不晚于结束年，两端都包含）",
                            "write first-last, such as --years 2020-2024 (first not after last, both included)"),
    "years.both": ("--year 与 --years 不能同时使用", "--year and --years cannot be used together"),
    "years.both.hint": ("多个年度可写成 --year 2023 --year 2024，或 --years 2023-2024",
                        "give several years as --year 2023 --year 2024, or as --years 2023-2024"),
    "years.too_many": ("一次最多评价 {max} 个年度，给出了 {n} 个", "at most {max} years in one run; {n} were given"),
    "years.too_many.hint": ("缩小 --years 的范围", "narrow the --years range"),
    "years.refused": ("{year} 年无法评分，整个多年度评价未写出任何结果",
                      "{year} cannot be scored, so the multi-year run wrote nothing"),
    "targets.year_missing": ("指标 {indicator} 的目标值按年度给出（{years}），没有 {year} 年的目标值",
                             "indicator {indicator} has targets per year ({years}) but none for {year}"),
    "targets.year_missing_campus": ("指标 {indicator} 对 {campus} 的目标值按年度给出（{years}），没有 {year} 年的目标值",
                                    "indicator {indicator} has targets per year for {campus} ({years}) but none for "
                                    "{year}"),
    "targets.year_missing.hint": ("在目标值中补上该年度，例如 target: {{{year}: 30}}，或只评价已给出目标值的年度",
                                  "add that year to the target, e.g. target: {{{year}: 30}}, or score only the years "
                                  "it gives"),
    "targets.year_outside": ("{year} 年的目标值不在本文件的适用年度（years: {years}）之内",
                             "a target for {year} lies outside this file's years ({years})"),
    "targets.year_outside.hint": ("把该年度加入 years，或删去这个年度的目标值",
                                  "add the year to `years`, or remove that year's target"),
    # the trend section, the trend sheet
    "report.sec.trend": ("历年趋势", "Trend over the years"),
    "report.trend.totals": ("总分与排名", "Totals and ranks"),
    "report.trend.parts": ("各部分得分", "Scores by part"),
    "trend.intro": ("本次评价了 {years} 各年度；每个年度按当年适用的目标值评分，各年度的结果各自独立（包括数据是否完整）。",
                    "This run scored {years}; each year was scored with the targets in force that year, and each "
                    "year's results stand on their own (data completeness included)."),
    "trend.previous_note": ("概览中“上年”各列是按 {year} 年的指标表和目标值为 {previous} 年数据重新评分的结果（同口径比较），"
                            "与本节 {previous} 年按当年目标值的得分可能不同。",
                            "The overview's last-year columns score {previous}'s data with {year}'s table and targets "
                            "(a like-for-like comparison), so they may differ from {previous} as scored with its own "
                            "targets here."),
    "trend.incomplete_note": ("标 * 的年度（{years}）数据不完整，按 --allow-incomplete 继续评分，其得分偏低、不宜比较。",
                              "Years marked * ({years}) had incomplete data and were scored under --allow-incomplete; "
                              "their scores are understated and not comparable."),
    "trend.incomplete_year": ("注意：{year} 年数据不完整（缺 {n} 项所需数据），该年度的得分不完整",
                              "Note: the data for {year} is incomplete ({n} needed inputs absent); that year's "
                              "scores are incomplete"),
    "trend.legend.rank": ("排名后的 ↑n / ↓n 表示比上一个评价年度上升或下降 n 位，= 表示名次不变。",
                          "↑n / ↓n after a rank: up or down n places since the year before; = the same place."),
    "trend.rank.same": (" (=)", " (=)"),
    "trend.rank.up": (" (↑{n})", " (↑{n})"),
    "trend.rank.down": (" (↓{n})", " (↓{n})"),
    "trend.complete.yes": ("完整", "complete"),
    "trend.complete.no": ("不完整", "incomplete"),
    "trend.chart.title": ("各{entity}历年总分与各部分得分", "Totals and part scores of each {entity} over the years"),
    "trend.chart.desc": ("小多图：每个评价对象一格，刻度相同；每年一根按部分堆叠的柱，柱顶为总分，柱下为年度和排名；虚线为满分。",
                         "Small multiples on one scale: a stacked bar per year (its parts), the total on top, the "
                         "year and rank below; the dashed line is the maximum."),
    "trend.chart.max": ("满分 {max}", "max {max}"),
    "trend.chart.none": ("未评价", "not evaluated"),
    "trend.chart.rank": ("第 {rank} 名", "rank {rank}"),
    "col.year": ("年度", "Year"),
    "col.rank_change": ("名次变化", "Rank change"),
    "col.complete": ("数据完整性", "Data complete"),
    "xlsx.trend": ("历年趋势", "Trend"),
}
