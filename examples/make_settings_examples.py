"""Writes the synthetic data of the three other evaluation settings as CSV files.

Run from the repository root: python examples/make_settings_examples.py

- examples/shanxi_nrmc/: four fictional national regional medical centres, 2024
  (table configs/indicators_shanxi_nrmc.yaml);
- examples/fenghua/: a fictional district and three fictional medical communities, 2024-2025
  (table configs/indicators_fenghua.yaml);
- examples/county_medical_community/: a fictional pilot county and three fictional medical
  communities, 2018-2019 (table configs/indicators_county_medical_community.yaml).

SYNTHETIC DATA: every figure below is made up, and chosen by hand (not drawn at random) so that
tests/test_settings.py can check scores worked out on paper: a value exactly at a strict target,
one below or above a range, a unit an indicator does not apply to, a missing previous year.
Every unit name is fictional; none stands for a real hospital, district or county.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

Row = dict[str, object]

# ---------------------------------------------------------------- Shanxi regional medical centres

SHANXI_FIELDS = [
    "门诊人次数", "出院患者总人次数", "出院患者手术台次数", "出院患者四级手术台次数", "出院患者微创手术台次数",
    "日间手术量", "出院者占用总床日数", "转往省外医疗机构就医的患者人次数", "外省患者出院人次数",
    "外科出院人次数", "外科出院患者手术人次数", "DRG组权重与病例数乘积之和", "DRG入组病例数",
    "疑难危重病种覆盖率", "疑难危重病种治愈率", "核心技术开展覆盖率",
    "门诊患者中医非药物治疗比例", "门诊患者中药饮片使用比例", "出院患者中医非药物治疗比例",
    "出院患者中药饮片使用比例", "以中医为主治疗的出院患者比例",
    "科研项目立项经费总额", "卫生技术人员数", "电子病历应用功能水平分级",
    "获批省级重点实验室数", "省级临床医学研究中心数", "国家自然科学基金年度获批项目数", "新增国家临床重点专科数",
]

# Blank where the indicator does not concern the centre (applies_to in its targets file).
SHANXI_ROWS: list[Row] = [
    {   # like the Tongji centre: outpatients 140万, below the 150万—200万 range; 四级手术 exactly 35%
        # and 外省患者 exactly 1%, where the target is "超过" (> 35%, > 1%): both not met.
        "单位": "示例综合医院区域医疗中心", "年份": 2024,
        "门诊人次数": 1_400_000, "出院患者总人次数": 105_000, "出院患者手术台次数": 52_000,
        "出院患者四级手术台次数": 18_200, "出院患者微创手术台次数": 15_000, "日间手术量": 3000,
        "出院者占用总床日数": 787_500, "转往省外医疗机构就医的患者人次数": 42, "外省患者出院人次数": 1050,
        "DRG组权重与病例数乘积之和": 138_600, "DRG入组病例数": 105_000,
        "疑难危重病种覆盖率": 62, "疑难危重病种治愈率": 91, "核心技术开展覆盖率": 70,
        "科研项目立项经费总额": 3200, "卫生技术人员数": 1250, "电子病历应用功能水平分级": 5,
        "获批省级重点实验室数": 3, "省级临床医学研究中心数": 2, "国家自然科学基金年度获批项目数": 5,
    },
    {   # like the cancer centre: outpatients 72万, above the 65万—70万 range; out-transfer rate
        # exactly 0.02% where it must be below 0.02%; EMR level 5 where 6 is due (by 2026).
        "单位": "示例肿瘤医院区域医疗中心", "年份": 2024,
        "门诊人次数": 720_000, "出院患者总人次数": 125_000, "出院患者手术台次数": 35_000,
        "出院患者四级手术台次数": 21_700, "出院患者微创手术台次数": 9100,
        "出院者占用总床日数": 1_062_500, "转往省外医疗机构就医的患者人次数": 25,
        "DRG组权重与病例数乘积之和": 131_250, "DRG入组病例数": 125_000,
        "疑难危重病种覆盖率": 82, "疑难危重病种治愈率": 45, "核心技术开展覆盖率": 71,
        "科研项目立项经费总额": 4500, "卫生技术人员数": 1400, "电子病历应用功能水平分级": 5,
        "获批省级重点实验室数": 2, "新增国家临床重点专科数": 1,
    },
    {   # like the Xiyuan TCM centre: inpatients 2.25万 inside its 2.2万—2.3万 range; 出院患者中医
        # 非药物治疗比例 96% where > 97% is due; research money 66.67万 per 100 staff, short of 68万.
        "单位": "示例中医医院区域医疗中心", "年份": 2024,
        "门诊人次数": 780_000, "出院患者总人次数": 22_500, "出院患者手术台次数": 6000,
        "出院患者四级手术台次数": 960, "出院者占用总床日数": 247_500, "外省患者出院人次数": 450,
        "疑难危重病种覆盖率": 55, "疑难危重病种治愈率": 12, "核心技术开展覆盖率": 6,
        "门诊患者中医非药物治疗比例": 27, "门诊患者中药饮片使用比例": 52, "出院患者中医非药物治疗比例": 96,
        "出院患者中药饮片使用比例": 96, "以中医为主治疗的出院患者比例": 72,
        "科研项目立项经费总额": 600, "卫生技术人员数": 900, "电子病历应用功能水平分级": 5,
    },
    {   # like the PKU First Hospital Taiyuan centre: every target met (outpatients 160万, "达到150万").
        "单位": "示例市中心医院区域医疗中心", "年份": 2024,
        "门诊人次数": 1_600_000, "出院患者总人次数": 85_000, "出院患者手术台次数": 42_000,
        "出院患者四级手术台次数": 12_600, "出院患者微创手术台次数": 10_920,
        "出院者占用总床日数": 714_000, "转往省外医疗机构就医的患者人次数": 119,
        "外科出院人次数": 30_000, "外科出院患者手术人次数": 21_300,
        "DRG组权重与病例数乘积之和": 100_300, "DRG入组病例数": 85_000,
        "疑难危重病种覆盖率": 61, "疑难危重病种治愈率": 86, "核心技术开展覆盖率": 66,
        "科研项目立项经费总额": 400, "卫生技术人员数": 1100, "电子病历应用功能水平分级": 6,
    },
]

# ---------------------------------------------------------------- Fenghua-style district

FENGHUA_UNIT_FIELDS = [
    "医共体牵头医院达到二级甲等以上服务水平", "出院者占用总床日数", "出院患者总人次数", "日间手术台次数",
    "择期手术台次数", "基层规范管理的高血压、糖尿病患者数", "辖区高血压、糖尿病在管患者数", "规范化村卫生室建设率",
    "村卫生室（社区服务站）公有化建设率",
]
FENGHUA_DISTRICT_FIELDS = [
    "常住人口数", "60岁及以上常住人口数", "医疗卫生机构床位数", "执业（助理）医师数", "注册护士数",
    "公立中医医院床位数", "中医类别执业（助理）医师数", "医疗卫生机构康复护理床位数", "区域内就诊人次数",
    "区域外就诊人次数", "基层医疗卫生机构诊疗人次数", "医疗卫生机构总诊疗人次数",
    "二级及以上综合性医院规范设置老年医学科比例",
]

FENGHUA_UNIT_ROWS: list[Row] = [
    # 人民医院医共体 (cap 7.5 days): stay 7.8 days; day-surgery share up from 20% to 24%.
    {"单位": "示例区人民医院医共体", "年份": 2024, "医共体牵头医院达到二级甲等以上服务水平": "是",
     "出院者占用总床日数": 160_000, "出院患者总人次数": 20_000, "日间手术台次数": 1500, "择期手术台次数": 7500,
     "基层规范管理的高血压、糖尿病患者数": 28_000, "辖区高血压、糖尿病在管患者数": 50_000,
     "规范化村卫生室建设率": 88, "村卫生室（社区服务站）公有化建设率": 58},
    {"单位": "示例区人民医院医共体", "年份": 2025, "医共体牵头医院达到二级甲等以上服务水平": "是",
     "出院者占用总床日数": 156_000, "出院患者总人次数": 20_000, "日间手术台次数": 1800, "择期手术台次数": 7500,
     "基层规范管理的高血压、糖尿病患者数": 30_000, "辖区高血压、糖尿病在管患者数": 50_000,
     "规范化村卫生室建设率": 92, "村卫生室（社区服务站）公有化建设率": 63},
    # 中医医院医共体 (cap 7 days): stay exactly 7 days; day-surgery share unchanged at 15%.
    {"单位": "示例区中医医院医共体", "年份": 2024, "医共体牵头医院达到二级甲等以上服务水平": "是",
     "出院者占用总床日数": 90_000, "出院患者总人次数": 12_000, "日间手术台次数": 600, "择期手术台次数": 4000,
     "基层规范管理的高血压、糖尿病患者数": 15_000, "辖区高血压、糖尿病在管患者数": 30_000,
     "规范化村卫生室建设率": 86, "村卫生室（社区服务站）公有化建设率": 45},
    {"单位": "示例区中医医院医共体", "年份": 2025, "医共体牵头医院达到二级甲等以上服务水平": "是",
     "出院者占用总床日数": 84_000, "出院患者总人次数": 12_000, "日间手术台次数": 600, "择期手术台次数": 4000,
     "基层规范管理的高血压、糖尿病患者数": 16_500, "辖区高血压、糖尿病在管患者数": 30_000,
     "规范化村卫生室建设率": 90, "村卫生室（社区服务站）公有化建设率": 50},
    # 中西医结合医院医共体 (cap 9 days): stay 8.5 days; did not report day surgery for 2024.
    {"单位": "示例区中西医结合医院医共体", "年份": 2024, "医共体牵头医院达到二级甲等以上服务水平": "否",
     "出院者占用总床日数": 88_000, "出院患者总人次数": 10_000, "日间手术台次数": "无", "择期手术台次数": "无",
     "基层规范管理的高血压、糖尿病患者数": 12_000, "辖区高血压、糖尿病在管患者数": 20_000,
     "规范化村卫生室建设率": 80, "村卫生室（社区服务站）公有化建设率": 62},
    {"单位": "示例区中西医结合医院医共体", "年份": 2025, "医共体牵头医院达到二级甲等以上服务水平": "否",
     "出院者占用总床日数": 85_000, "出院患者总人次数": 10_000, "日间手术台次数": 400, "择期手术台次数": 2000,
     "基层规范管理的高血压、糖尿病患者数": 12_600, "辖区高血压、糖尿病在管患者数": 20_000,
     "规范化村卫生室建设率": 85, "村卫生室（社区服务站）公有化建设率": 66},
]

FENGHUA_DISTRICT_ROWS: list[Row] = [
    {"单位": "示例区", "年份": 2024, "常住人口数": 495_000, "60岁及以上常住人口数": 125_000,
     "医疗卫生机构床位数": 2950, "执业（助理）医师数": 2200, "注册护士数": 2300, "公立中医医院床位数": 400,
     "中医类别执业（助理）医师数": 260, "医疗卫生机构康复护理床位数": 600, "区域内就诊人次数": 1_740_000,
     "区域外就诊人次数": 210_000, "基层医疗卫生机构诊疗人次数": 1_150_000, "医疗卫生机构总诊疗人次数": 1_950_000,
     "二级及以上综合性医院规范设置老年医学科比例": 70},
    # 2025: beds 6.2 per 1,000 (target 6.6), physicians 4.6 (4.4), nurses 4.8 (5.1), TCM beds 0.84
    # (0.8), TCM physicians 0.56 (0.6), regional visit rate 90% (90%), primary care 60% (65%),
    # geriatrics 75% (80%), rehabilitation beds 5.0 per 1,000 elderly (5.8).
    {"单位": "示例区", "年份": 2025, "常住人口数": 500_000, "60岁及以上常住人口数": 130_000,
     "医疗卫生机构床位数": 3100, "执业（助理）医师数": 2300, "注册护士数": 2400, "公立中医医院床位数": 420,
     "中医类别执业（助理）医师数": 280, "医疗卫生机构康复护理床位数": 650, "区域内就诊人次数": 1_800_000,
     "区域外就诊人次数": 200_000, "基层医疗卫生机构诊疗人次数": 1_200_000, "医疗卫生机构总诊疗人次数": 2_000_000,
     "二级及以上综合性医院规范设置老年医学科比例": 75},
]

# ---------------------------------------------------------------- county medical communities

COUNTY_FIELDS = [
    "县域内就诊人次数", "县域外就诊人次数", "基层医疗卫生机构诊疗人次数", "医疗卫生机构总诊疗人次数", "签约居民数",
    "服务区域常住人口数", "下转患者人次数", "本年门诊次均费用", "上年门诊次均费用", "本年住院次均费用",
    "上年住院次均费用",
]


def _county(name: str, year: int, county: int, outside: int, primary: int, signed: int, down: object,
            op: tuple[float, float], ip: tuple[float, float]) -> Row:
    """One community's year; 1,000,000 visits in all and 200,000 residents keep the rates readable."""
    return {"单位": name, "年份": year, "县域内就诊人次数": county, "县域外就诊人次数": outside,
            "基层医疗卫生机构诊疗人次数": primary, "医疗卫生机构总诊疗人次数": 1_000_000, "签约居民数": signed,
            "服务区域常住人口数": 200_000, "下转患者人次数": down, "本年门诊次均费用": op[0], "上年门诊次均费用": op[1],
            "本年住院次均费用": ip[0], "上年住院次均费用": ip[1]}


COUNTY_ROWS: list[Row] = [
    # East: county visit rate 83% -> 85.5%, primary care 62% -> 66%, signing 48%, referrals 1000 -> 1200.
    _county("示例县人民医院医共体", 2018, 830_000, 170_000, 620_000, 90_000, 1000, (240, 232), (9800, 9500)),
    _county("示例县人民医院医共体", 2019, 855_000, 145_000, 660_000, 96_000, 1200, (250, 240), (9900, 9800)),
    # West: county visit rate 92% both years, primary care 60% -> 58%, signing 52%, referrals 900 -> 800.
    _county("示例县中医院医共体", 2018, 920_000, 80_000, 600_000, 100_000, 900, (210, 205), (8700, 8600)),
    _county("示例县中医院医共体", 2019, 920_000, 80_000, 580_000, 104_000, 800, (208, 210), (8600, 8700)),
    # South: county visit rate 86% -> 88%, primary care 64% -> 65%, signing exactly 50%,
    # referrals not reported for 2019.
    _county("示例县第二人民医院医共体", 2018, 860_000, 140_000, 640_000, 94_000, 700, (190, 186), (7600, 7400)),
    _county("示例县第二人民医院医共体", 2019, 880_000, 120_000, 650_000, 100_000, "—", (195, 190), (7700, 7600)),
]


def write_csv(path: Path, fields: list[str], rows: list[Row]) -> None:
    """UTF-8 with BOM, CRLF: as Excel saves "CSV UTF-8"; blank cells where a row has no value."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["单位", "年份", *fields])
        for row in rows:
            w.writerow([row["单位"], row["年份"], *(row.get(k, "") for k in fields)])


FILES: list[tuple[Path, list[str], list[Row]]] = [
    (HERE / "shanxi_nrmc" / "data" / "synthetic_centres_2024.csv", SHANXI_FIELDS, SHANXI_ROWS),
    (HERE / "fenghua" / "data" / "synthetic_communities_2024-2025.csv", FENGHUA_UNIT_FIELDS, FENGHUA_UNIT_ROWS),
    (HERE / "fenghua" / "data" / "synthetic_district_2024-2025.csv", FENGHUA_DISTRICT_FIELDS, FENGHUA_DISTRICT_ROWS),
    (HERE / "county_medical_community" / "data" / "synthetic_communities_2018-2019.csv", COUNTY_FIELDS,
     COUNTY_ROWS),
]


def main() -> None:
    for path, fields, rows in FILES:
        write_csv(path, fields, rows)
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
