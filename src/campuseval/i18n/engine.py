"""Messages of the scoring engine: missing values, years, flags."""

# key: (zh, en). Parameters use str.format names; both languages take the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    "engine.previous_missing": ("缺少 {year} 年（上一年）的数值，无法判断变化", "no value for {year} (the previous year), so the change cannot be judged"),
    "engine.missing_required": ("{campus} {year} 年缺少“{indicator}”（{problem_zh}），指标表规定缺失时停止评分", "{campus_en} has no value for '{indicator_en}' in {year} ({problem}); the table says to stop on missing values"),
    "engine.missing_required.hint": ("补齐数据，或把 missing 改为 zero（记 0 分并标记）或 reweight（该指标分值分给同部分其他指标）", "fill in the value, or set missing to zero (scores 0, flagged) or reweight (its points go to the rest of its part)"),
    "flag.missing": ("缺失", "missing"),
    "flag.not_computable": ("无法计算", "not computable"),
    "flag.hq_missing": ("总院数据缺失", "HQ value missing"),
    "flag.previous_missing": ("上年数据缺失", "previous year missing"),
    "flag.reweighted": ("已重新分配权重", "reweighted"),
    "flag.homogeneity_gap": ("同质化差距", "homogeneity gap"),
    "flag.veto": ("一票否决", "veto"),
    "flag.value_conflict": ("上报值与计算值不一致", "reported and computed values differ"),
    "flag.not_applicable": ("不适用", "not applicable"),
    "flag.not_scorable": ("需人工评价", "judged by people"),
    "flag.small_sample": ("小样本", "small sample"),
    "engine.value_conflict": ("{unit} 的 {indicator} 上报值 {reported}（{cell}）与按原始数据计算的 {computed} 不一致，已采用上报值", "{unit}: the reported {indicator} {reported} ({cell}) differs from {computed} computed from the raw fields; the reported value was used"),
    "engine.value_conflict_percent": ("{unit} 的 {indicator} 上报值 {reported}（{cell}）约为计算值 {computed} 的百分之一：百分比应按百分点填写（45% 填 45），已采用上报值", "{unit}: the reported {indicator} {reported} ({cell}) is about a hundredth of {computed} computed from the raw fields: write percentages in points (45% as 45); the reported value was used"),
}
