"""Messages of the yearly cycle: funding allocation, expert scores, compare, diff and sensitivity."""

# key: (zh, en). Parameters use str.format names; both languages take the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # allocation block (config validation)
    "pyd.ce_pool_fen": ("资金总额 {pool} 的小数超过两位（分）", "the pool {pool} has more than two decimals (fen)"),
    "pyd.ce_alloc_floor": ("分配方法 above_floor 需要给出 floor（计入分配的起点分）", "method above_floor needs a floor"),
    "pyd.ce_alloc_tiers": ("分配方法 tiers 需要给出 by（band 按分数段或 rank 按名次）和 tiers（各档）",
                           "method tiers needs `by` (band or rank) and `tiers`"),
    "pyd.ce_alloc_tier_key": ("第 {n} 档：按 {by} 分档时每档只能给出 {key}（按分数段用 min_total，按名次用 max_rank）",
                              "tier {n}: by {by} each tier gives {key} only (min_total for band, max_rank for rank)"),
    "pyd.ce_alloc_tiers_unused": ("tiers 和 by 只用于分配方法 tiers，不用于 {method}",
                                  "tiers and by are for method tiers, not {method}"),
}
MESSAGES.update({
    "alloc.title": ("经费分配（资金总额 {pool} {unit}）", "Funding allocation (pool {pool} {unit})"),
    "alloc.method.proportional": ("按总分比例分配", "shared in proportion to the total score"),
    "alloc.method.above_floor": ("按超过 {floor} 分的部分比例分配", "shared in proportion to the points above {floor}"),
    "alloc.method.tiers.band": ("按分数段分档，各档按份额分配", "by score band, each band's weight in shares"),
    "alloc.method.tiers.rank": ("按名次分档，各档按份额分配", "by rank tier, each tier's weight in shares"),
    "alloc.min_total": ("；总分低于 {min} 分不参与分配", "; a total below {min} gets nothing"),
    "alloc.col.campus": ("单位", "Unit"),
    "alloc.col.tier": ("档次", "Tier"),
    "alloc.col.weight.proportional": ("分配基数（总分）", "Basis (total)"),
    "alloc.col.weight.above_floor": ("分配基数（超出分）", "Basis (points above floor)"),
    "alloc.col.weight.tiers": ("份额", "Shares"),
    "alloc.col.amount": ("金额（{unit}）", "Amount ({unit})"),
    "alloc.sum": ("合计 {amount} {unit}（按最大余数法精确到分，合计等于资金总额；未排名的单位不参与分配）",
                  "Sum {amount} {unit} (to the fen by largest remainder, summing to the pool; unranked units get nothing)"),
    "alloc.undistributed": ("注意：没有单位达到分配条件，{amount} {unit} 未分配",
                            "Note: no unit qualifies; {amount} {unit} is left undistributed"),
    "alloc.sheet": ("经费分配", "Funding"),
})
