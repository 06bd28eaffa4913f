#!/usr/bin/env python3
"""Writes a large, valid rule file for parser speed checks.

Usage: scripts/gen-big-ruleset.py [SIZE_MB] > big.rules   (default 10 MB)
The file repeats realistic declarations (params, rules with messages, tests) with
unique names, so every construct of the language is parsed many times.
"""
import sys

target = int(float(sys.argv[1] if len(sys.argv) > 1 else 10) * 1024 * 1024)
out = sys.stdout
out.write('ruleset big "生成的大规则集 generated ruleset"\n')
out.write('enum county "区县" { "榆次区", "太谷区", "祁县", "介休市", "左权县" }\n')
# The records the rules read, so that the whole file checks clean (names, types, tests).
out.write('''record enterprise "企业" {
  id: string key                 "统一社会信用代码"
  name: string                   "企业名称"
  industry: string               "行业"
  county: county                 "所在区县"
}
record facility "设施" {
  id: string key                 "设施编号"
  enterprise_id: ref enterprise as enterprise reverse facilities "所属企业"
  kind: string                   "设施类型"
  status: string                 "状态"
  capacity_t: double             "产能 (t/a)"
  ule_status: string             "超低排放改造状态"
  ule_completed_on: date         "改造完成日期"
  exempt?: bool                  "豁免"
}
record vehicle "车辆" {
  plate: string key              "车牌号"
  facility_id: ref facility as facility reverse vehicles "所属设施"
  standard: int                  "排放阶段"
}
''')
size = 0
i = 0
while size < target:
    block = f'''
# ---- block {i} ----
param deadline_{i}: date = 2022-10-31
  source "规划 三(三)1 “2022年10月底前完成…超低排放改造”" confidence high
param standard_{i}: int by date {{
  2021-01-01: 5  source "规划 三(三)2 2021年必须达到国五及以上" confidence high
  2022-01-01: 6  source "规划 三(三)2 2022年起达到国六标准"   confidence medium
}} description "道路货运车辆最低排放阶段"
rule air.rule-{i} "焦化超低排放改造期限 {i}" {{
  en          "Coking ultra-low-emission retrofit deadline {i}"
  requirement AIR-03, AIR-04
  cite        "三(三)1" "2022年10月底前完成介休、太谷、左权5家企业总计500万吨焦化产能的超低排放改造"
  severity    high
  for f in facility
  when        f.enterprise.industry == "coking" && f.enterprise.county in ["介休市", "太谷区", "左权县"]
              && f.kind == "coke_oven" && f.status == "operating" && f.capacity_t * 1.5 >= {i}.0
  deadline    deadline_{i}
  require     f.ule_status in ["completed", "evaluated"] && f.ule_completed_on <= deadline_{i}
              && f.vehicles.all(v, v.standard >= standard_{i}) && !has(f.exempt)
  message     "焦炉 {{f.id}} 未在 {{deadline_{i}}} 前完成超低排放改造"
  message en  "Coke oven {{f.id}} did not finish its ULE retrofit by {{deadline_{i}}}"
}}
test air.rule-{i} "finished two weeks late" {{
  as_of 2023-01-01
  given facility {{ id: "CO-{i}", kind: "coke_oven", status: "operating",
                   ule_status: "completed", ule_completed_on: 2022-11-15 }}
  expect late on CO-{i}
}}
'''
    out.write(block)
    size += len(block.encode())
    i += 1
