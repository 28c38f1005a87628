"""Messages of composite indices: geometric aggregation, formula functions' domains, ranking on unrounded totals."""

# key: (zh, en). Parameters use str.format names; both languages take the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    "engine.not_computable_domain": (
        "{unit} 的 {indicator} 无法计算：{function}({argument}) 无定义（{function} 的参数{allowed}）；所用数据：{cells}",
        "{unit}: {indicator} is not computable: {function}({argument}) is undefined ({function} needs an argument "
        "{allowed}); from {cells}"),
    "engine.domain.ln": ("须大于 0", "above 0"),
    "engine.domain.log10": ("须大于 0", "above 0"),
    "engine.domain.sqrt": ("不能为负", "of 0 or more"),
    "engine.domain.exp": ("不能大到结果溢出（约 709 以下）", "small enough not to overflow (below about 709)"),
    "engine.geometric_part_empty": (
        "{campus} {year} 年的部分 {part} 没有可评分的指标（均缺失并已重新分配，或均不适用），几何合成的总分无定义",
        "{campus_en}: part {part} has no scorable indicator in {year} (all missing and re-weighted, or not "
        "applicable), so the geometric total is undefined"),
    "engine.geometric_part_empty.hint": (
        "补齐该部分至少一个指标的数据，或把 missing 改为 zero（缺失记 0 分，总分随之为 0）",
        "fill in at least one of the part's indicators, or set missing to zero (a missing value scores 0, and "
        "the total with it)"),
    "cfg.geometric_bonus": (
        "aggregation: geometric 时不能使用加分规则 bonus（指标 {code}）",
        "indicator {code}: a bonus rule cannot be used with aggregation: geometric"),
    "cfg.geometric_bonus.hint": (
        "几何合成的总分是各部分得分率的加权几何平均，任一部分为 0 则总分为 0，额外加分没有一致的含义；"
        "改用 aggregation: additive，或把该指标作为某部分的普通计分指标",
        "a geometric total is the weighted geometric mean of the part rates and is 0 when a part is 0; points on "
        "top have no consistent meaning there. Use aggregation: additive, or make it an ordinary scored "
        "indicator of a part"),
    "cfg.geometric_part_not_applicable": (
        "aggregation: geometric 时，部分 {part} 没有适用于 {campus} 的计分指标（applies_to）",
        "with aggregation: geometric, part {part} has no scored indicator that applies to {campus} (applies_to)"),
    "cfg.geometric_part_not_applicable.hint": (
        "几何平均不能缺少任何一个部分：让该部分至少一个计分指标适用于此单位，或改用 aggregation: additive",
        "a geometric mean cannot leave a part out: make at least one scored indicator of the part apply to "
        "this unit, or use aggregation: additive"),
    "report.method.aggregation.additive": ("总分为各部分得分之和。", "The total is the sum of the part scores."),
    "report.method.aggregation.geometric": (
        "总分按几何方式合成：总分 = {total} × Π（部分得分 ÷ 部分满分）^（部分满分 ÷ {total}），"
        "即各部分得分率的加权几何平均乘以 {total}。任一部分得 0 分，总分即为 0。",
        "The total is geometric: total = {total} × Π (part score ÷ part maximum) ^ (part maximum ÷ {total}), "
        "{total} times the weighted geometric mean of the part rates. A part scoring 0 makes the total 0."),
    "report.method.rank_on.rounded": ("排名按取整后的总分，总分相同者名次并列。",
                                      "Ranks follow the rounded totals; equal totals share a rank."),
    "report.method.rank_on.unrounded": (
        "排名按取整前的总分（各指标得分已按上述位数取整），因此显示相同的总分也可能名次不同。",
        "Ranks follow the totals before their final rounding (indicator points already rounded as above), so "
        "totals shown equal may still rank apart."),
}
