"""Regenerates the synthetic Shaoxing example (four fictional campuses, 2023 and 2024) as CSV and xlsx.

Run from the repository root: python examples/make_examples.py
Every figure is made up by a seeded random generator; the names are fictional.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent / "shaoxing"
DATA = HERE / "data"
YEARS = (2023, 2024)

CAMPUSES = [  # name, HQ, district, size factor, how far behind HQ it runs
    ("示例一院东湖院区", "示例第一医院", "东湖区", 1.0, 0.95),
    ("示例二院西山院区", "示例第二医院", "西山区", 0.8, 0.85),
    ("示例肿瘤医院南江院区", "示例肿瘤医院", "南江新区", 0.6, 0.75),
    ("示例三院北塘院区", "示例第三医院", "北塘区", 0.5, 0.9),
]

CAMPUS_FIELDS = [
    "出院患者总人次数", "出院患者手术人次数", "出院患者手术台次数", "出院患者微创手术台次数", "出院患者四级手术台次数",
    "手术患者并发症发生例数", "低风险组出院例数", "低风险组死亡例数", "医疗收入",
    "医疗服务收入（不含药品、耗材、检查检验收入）", "人员支出", "业务支出", "卫生技术人员数", "高级职称卫生技术人员数",
    "门急诊及出院患者人次数", "绍兴市外患者人次数", "绍兴市外患者医疗收入",
    "派驻属地医疗机构人员数", "专家下沉帮扶人次", "科研立项及成果转化帮扶项目数", "接收属地医务人员进修培训人次",
]
HQ_FIELDS = [*CAMPUS_FIELDS[:14], "门急诊及出院患者人次数", "绍兴籍患者人次数", "绍兴籍患者医疗收入"]
LOCALITY_FIELDS = ["属地参保人员医疗费用总额", "属地参保人员县域外就医费用"]


def hospital(rng: random.Random, size: float, quality: float, year_gain: float) -> dict[str, float]:
    """Raw figures of one hospital; `quality` near 1 means HQ-grade rates."""
    discharges = round(rng.uniform(28000, 36000) * size)
    surgical = round(discharges * rng.uniform(0.42, 0.48) * quality)
    ops = round(surgical * rng.uniform(1.08, 1.15))
    revenue = round(rng.uniform(90000, 120000) * size, 1)
    business = round(revenue * rng.uniform(0.92, 0.98), 1)
    staff = round(rng.uniform(1100, 1400) * size)
    visits = round(rng.uniform(800000, 1000000) * size)
    return {
        "出院患者总人次数": discharges,
        "出院患者手术人次数": surgical,
        "出院患者手术台次数": ops,
        "出院患者微创手术台次数": round(ops * rng.uniform(0.28, 0.34) * quality),
        "出院患者四级手术台次数": round(ops * rng.uniform(0.24, 0.30) * quality * year_gain),
        "手术患者并发症发生例数": round(surgical * rng.uniform(0.006, 0.009) / quality),
        "低风险组出院例数": round(rng.uniform(4000, 5000) * size),
        "低风险组死亡例数": rng.choice([0, 1, 1, 2]),
        "医疗收入": revenue,
        "医疗服务收入（不含药品、耗材、检查检验收入）": round(revenue * rng.uniform(0.33, 0.37) * quality, 1),
        "人员支出": round(business * rng.uniform(0.40, 0.44) * quality, 1),
        "业务支出": business,
        "卫生技术人员数": staff,
        "高级职称卫生技术人员数": round(staff * rng.uniform(0.17, 0.24) * quality),
        "门急诊及出院患者人次数": visits,
    }


def build() -> dict[str, list[dict[str, object]]]:
    rng = random.Random(20241123)
    rows: dict[str, list[dict[str, object]]] = {"campus": [], "hq": [], "locality": []}
    for name, hq, district, size, quality in CAMPUSES:
        sx_share = rng.uniform(0.045, 0.06)
        for year in YEARS:
            gain = 1.0 if year == 2023 else 1.06
            hq_row = hospital(rng, 2.2, 1.0, 1.0)
            hq_row["绍兴籍患者人次数"] = round(hq_row["门急诊及出院患者人次数"] * sx_share)
            hq_row["绍兴籍患者医疗收入"] = round(hq_row["医疗收入"] * sx_share * 1.3, 1)
            # HQs draw fewer Shaoxing patients once the campus opens, except the third one.
            sx_share *= 0.9 if name != "示例三院北塘院区" else 1.05
            camp = hospital(rng, size, quality, gain)
            camp["绍兴市外患者人次数"] = round(camp["门急诊及出院患者人次数"] * rng.uniform(0.06, 0.12))
            camp["绍兴市外患者医疗收入"] = round(camp["医疗收入"] * rng.uniform(0.08, 0.14), 1)
            camp["派驻属地医疗机构人员数"] = round(rng.uniform(6, 12) * gain, 1)
            camp["专家下沉帮扶人次"] = round(rng.uniform(150, 260) * gain)
            camp["科研立项及成果转化帮扶项目数"] = rng.choice([1, 2, 3, 4])
            camp["接收属地医务人员进修培训人次"] = round(rng.uniform(30, 70))
            insured = round(rng.uniform(150000, 260000), 1)
            loc = {"属地参保人员医疗费用总额": insured,
                   "属地参保人员县域外就医费用": round(insured * rng.uniform(0.16, 0.26), 1)}
            rows["campus"].append({"单位": name, "年份": year, **camp})
            rows["hq"].append({"单位": hq, "年份": year, **hq_row})
            rows["locality"].append({"单位": district, "年份": year, **loc})
    # Real files have holes: one campus did not report its research projects for 2024.
    for row in rows["campus"]:
        if row["单位"] == "示例三院北塘院区" and row["年份"] == 2024:
            row["科研立项及成果转化帮扶项目数"] = "—"
    return rows


REVIEWERS = ("评审专家A", "评审专家B", "评审专家C", "评审专家D")
EXPERT_HEADERS = ["单位", "指标", "分数", "评审人", "备注", "年份"]


def expert_marks() -> list[list[object]]:
    """The panel's marks for C5 (out of 4), four reviewers per campus and year, in half points."""
    rng = random.Random(20241201)  # its own generator: the figures above stay as they were
    rows: list[list[object]] = []
    for name, *_ in CAMPUSES:
        for year in YEARS:
            for reviewer in REVIEWERS:
                remark = "材料齐全" if reviewer == REVIEWERS[0] else ""
                rows.append([name, "C5", rng.choice([2.5, 3.0, 3.0, 3.5, 3.5, 4.0]), reviewer, remark, year])
    return rows


def write_csv(path: Path, fields: list[str], rows: list[dict[str, object]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["单位", "年份", *fields])
        for row in rows:
            w.writerow([row["单位"], row["年份"], *(row.get(k, "") for k in fields)])


def write_xlsx(rows: dict[str, list[dict[str, object]]]) -> None:
    """Fill the workbook `campuseval template` makes, as a campus analyst would."""
    import re

    import openpyxl

    from campuseval.config import load_config
    from campuseval.data.template import write_template

    target = DATA / "demo_2023-2024.xlsx"
    write_template(load_config(HERE / "targets.yaml"), target, years=list(YEARS))
    wb = openpyxl.load_workbook(target)
    for key, sheet in (("campus", "院区"), ("hq", "总院"), ("locality", "属地")):
        ws = wb[sheet]
        headers = [re.sub(r"（[^（）]*）$", "", str(c.value)) for c in ws[1]]
        by_unit = {(r["单位"], r["年份"]): r for r in rows[key]}
        unused = []
        for row in ws.iter_rows(min_row=2):
            source = by_unit.get((row[0].value, row[1].value))
            if source is None:
                unused.append(row[0].row)  # the template's 2022 rows (for change rules): no data here
                continue
            for cell, header in zip(row[2:], headers[2:], strict=True):
                cell.value = source.get(header)
        for r in reversed(unused):
            ws.delete_rows(r)
    panel = wb["专家评分"]
    panel.delete_rows(2, panel.max_row)  # the template's one row per campus: one per reviewer instead
    for mark in expert_marks():
        panel.append(mark)
    wb.save(target)


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    rows = build()
    write_xlsx(rows)
    write_csv(DATA / "campus.csv", CAMPUS_FIELDS, rows["campus"], "utf-8-sig")
    write_csv(DATA / "hq.csv", HQ_FIELDS, rows["hq"], "utf-8-sig")
    # The insurance bureau's export comes in GBK, as Chinese Excel saves CSV by default.
    write_csv(DATA / "insurance.csv", LOCALITY_FIELDS, rows["locality"], "gb18030")
    with (DATA / "expert.csv").open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(EXPERT_HEADERS)
        w.writerows(expert_marks())
    print(f"wrote the CSV files and the xlsx workbook to {DATA}")


if __name__ == "__main__":
    main()
