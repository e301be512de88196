#pragma once
// The organiser's files used across the tools tests: a small contest of two rounds, four
// criteria and six judges, written as TOML/JSON schemes and CSV/XLSX tables.
#include <string>

#include "temp_dir.hpp"
#include "tools/import.hpp"
#include "xlsx_fixture.hpp"

namespace stagevote::tools::testing {

inline const std::string kSchemeToml = R"toml(# 椰树杯 test scheme
[contest]
id = "yeshu-test"
name = "“椰树杯”党建创新引领工作创优大赛"
subtitle = "测试"

[scoring]
decimals = 2
trim = 1
trim_min = 5
judge_weight = 0.9
audience_weight = 0.1

[[scoring.criteria]]
id = "theme"
name = "主题内涵"
max = 30

[[scoring.criteria]]
id = "art"
name = "艺术表现"
max = 40

[[scoring.criteria]]
id = "live"
name = "现场效果"
max = 30

[[rounds]]
id = "prelim"
name = "初赛"

[[rounds]]
id = "final"
name = "决赛"

[[awards]]
id = "first"
name = "一等奖"
count = 1

[[awards]]
id = "second"
name = "二等奖"
count = 2
)toml";

inline const std::string kSchemeJson = R"json({
  "contest": {"id": "yeshu-test", "name": "椰树杯", "subtitle": ""},
  "scoring": {
    "criteria": [
      {"id": "theme", "name": "主题内涵", "max": 30},
      {"id": "art", "name": "艺术表现", "max": 40},
      {"id": "live", "name": "现场效果", "max": 30}
    ],
    "decimals": 2, "trim": 1, "trim_min": 5,
    "judge_weight": 0.9, "audience_weight": 0.1
  },
  "rounds": [{"id": "prelim", "name": "初赛"}, {"id": "final", "name": "决赛"}],
  "awards": [{"id": "first", "name": "一等奖", "count": 1}]
}
)json";

// Chinese headers, a BOM, quoted titles, entries in both rounds.
inline const std::string kEntriesCsvZh =
    "\xEF\xBB\xBF编号,标题,单位,形式,主题,轮次\r\n"
    "e01,党旗代代传 融合促发展,省高级人民法院,情景剧,党建互联互通,初赛\r\n"
    "e02,\"把支部建在组上, 党心不临时\",省纪委监委,情景剧,党建互联互通,初赛；决赛\r\n"
    "e03,文明之光 志愿同行,省委宣传部,歌舞,推进创城攻坚,prelim\r\n"
    "e04,税务人的初心,省税务局,快板,优化营商环境,初赛、final\r\n";

// English headers (any case), in a different column order.
inline const std::string kEntriesCsvEn =
    "Unit,ID,Title,Form,Theme,Round\n"
    "省高级人民法院,e01,Title one,play,t1,prelim\n"
    "省纪委监委,e02,Title two,play,t1,prelim;final\n"
    "省委宣传部,e03,Title three,song,t2,prelim\n"
    "省税务局,e04,Title four,clapper,t2,prelim\n";

inline XlsxRows judges_rows_en() {
  return {{std::string("ID"), std::string("Name"), std::string("Unit"), std::string("Title"),
           std::string("Token")},
          {std::string("j1"), std::string("王建华"), std::string("省纪委监委"),
           std::string("党建专家"), std::string("token-j1-secret-key")},
          {std::string("j2"), std::string("李明"), std::monostate{}, std::string("教授"),
           std::monostate{}},
          {std::string("j3"), std::string("张丽"), std::string("省税务局")},
          {std::string("j4"), std::string("陈刚")},
          {std::string("j5"), std::string("刘洋")},
          {std::string("j6"), std::string("赵敏")}};
}

inline const std::string kJudgesCsvZh =
    "编号,姓名,单位,职务,令牌\n"
    "j1,王建华,省纪委监委,党建专家,token-j1-secret-key\n"
    "j2,李明,,教授,\n"
    "j3,张丽,省税务局,,\n"
    "j4,陈刚,,,\n"
    "j5,刘洋,,,\n"
    "j6,赵敏,,,\n";

inline SourceFile source(const std::string& name, const std::string& bytes) {
  return SourceFile{name, bytes};
}

}  // namespace stagevote::tools::testing
