"""Words for rules, directions and subjects, used in tables and report appendices."""

# key: (zh, en). Parameters use str.format names; both languages take the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    "list.sep": ("；", "; "),
    "direction.higher": ("越高越好", "higher is better"),
    "direction.lower": ("越低越好", "lower is better"),
    "direction.monitor": ("监测比较", "monitored"),
    "subject.campus": ("院区", "campus"),
    "subject.hq": ("总院", "HQ"),
    "subject.both": ("院区与总院", "campus and HQ"),
    "subject.locality": ("属地", "locality"),
    "rule.target_pro_rata": ("达到或超过目标值 {target} 得满分；未达到按“实际值 ÷ 目标值”折算",
                             "full points at or above the target {target}; below it, points x actual / target"),
    "rule.cap_pro_rata": ("不超过上限 {target} 得满分；超过按“上限 ÷ 实际值”折算",
                          "full points at or below the cap {target}; above it, points x cap / actual"),
    "rule.deduct_per_unit.higher": ("达到目标值 {target} 得满分；每低 {step} 扣 {deduct} 分（{steps}），最低 {floor} 分",
                                    "full points at the target {target}; each {step} below deducts {deduct} "
                                    "({steps}), down to {floor}"),
    "rule.deduct_per_unit.lower": ("不高于目标值 {target} 得满分；每高 {step} 扣 {deduct} 分（{steps}），最低 {floor} 分",
                                   "full points at or below the target {target}; each {step} above deducts "
                                   "{deduct} ({steps}), down to {floor}"),
    "rule.steps.exact": ("不足一档按比例", "part steps pro rata"),
    "rule.steps.started": ("不足一档按一档", "a started step counts whole"),
    "rule.steps.completed": ("不足一档不扣", "only whole steps count"),
    "rule.linear_band": ("目标值 {target} 得满分，{limit} 得 0 分，其间按线性插值",
                         "full points at the target {target}, none at {limit}, linear in between"),
    "rule.graded_bands": ("分档计分：{bands}", "graded: {bands}"),
    "rule.band": ("{range} 得 {points} 分", "{range}: {points}"),
    "rule.yes_no.yes": ("为“是”得满分，否则 0 分", "full points when yes, else none"),
    "rule.yes_no.no": ("为“否”得满分，否则 0 分", "full points when no, else none"),
    "rule.relative_to_hq.higher": ("院区值 ÷ 总院值达到 {full} 得满分，低于按比例折算",
                                   "campus / HQ at or above {full}: full points; below, pro rata"),
    "rule.relative_to_hq.lower": ("总院值 ÷ 院区值达到 {full} 得满分（越低越好），低于按比例折算",
                                  "HQ / campus at or above {full}: full points (lower is better); below, pro rata"),
    "rule.relative_to_hq.zero": ("，不高于 {zero} 得 0 分", "; at or below {zero}: none"),
    "rule.change.higher": ("较上年上升{amount}得满分，否则 0 分", "full points when it rises{amount} against "
                           "the previous year, else none"),
    "rule.change.lower": ("较上年下降{amount}得满分，否则 0 分", "full points when it falls{amount} against "
                          "the previous year, else none"),
    "rule.change.absolute": (" {amount} 及以上", " by {amount} or more"),
    "rule.change.relative": (" {pct}% 及以上", " by {pct}% or more"),
    "rule.change.equal": ("；与上年持平也得满分", "; an unchanged value also earns them"),
    "rule.monitor": ("仅监测比较，不计分", "monitored and compared, not scored"),
    "rule.bonus": ("高于 {base} 的部分每 1 个单位加 {per_unit} 分，最多加 {points} 分",
                   "{per_unit} extra points per unit above {base}, at most {points}"),
    "rule.veto.zero": ("一旦发生，总分为 0（一票否决）", "if it occurs, the total is zero (veto)"),
    "rule.veto.cap": ("一旦发生，总分最高 {cap} 分", "if it occurs, the total is capped at {cap}"),
}
