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
