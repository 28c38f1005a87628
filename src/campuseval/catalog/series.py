"""Messages of multi-year runs: --years, per-year targets and the trend section."""

MESSAGES: dict[str, tuple[str, str]] = {
    "years.bad_span": ("--years “{span}” 不是年度范围", "--years '{span}' is not a range of years"),
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
}
