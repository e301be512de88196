// The bundled demo contest, modelled on the provincial article about the 省直机关
// “椰树杯”党建创新引领工作创优大赛 (177 works from 97 units). Units and the two quoted titles are
// the article's; other titles are short names for what the article says each unit did.
#include "demo.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stagevote::core {

namespace {

// Theme names, spelled once so entries cannot drift from the contest's list.
constexpr const char* kBusiness = "优化营商环境";
constexpr const char* kEpidemic = "抗击疫情促发展";
constexpr const char* kCivilCity = "推进创城攻坚";
constexpr const char* kLinkage = "党建互联互通";
constexpr const char* kPoverty = "助力脱贫攻坚";

constexpr const char* kPlay = "情景剧";
constexpr const char* kSongDance = "歌舞";
constexpr const char* kClapper = "快板";
constexpr const char* kSpeech = "演讲";

// In the order the article names them.
std::vector<std::string> demo_units() {
  return {
      "省委直属机关工委",
      "省高级人民法院",
      "省纪委监委",
      "省委宣传部",
      "省税务局",
      "省大数据管理局",
      "省民政厅",
      "省残联",
      "省总工会",
      "省政府政务服务中心",
      "省文化和旅游广电体育厅",
      "省商务厅",
      "省财政厅",
      "南海海事局",
      "省委外办",
      "海南博鳌乐城国际医疗旅游先行区管理局",
      "省委深改办",
      "省人大机关",
      "省第一中级人民法院",
      "中国南海研究院",
      "省生态环境厅",
      "省林业局",
      "省政府办公厅",
      "省发展和改革委员会",
      "省消防救援总队",
      "省扶贫办",
      "省供销社",
      "海南广播电视台总台",
      "省自然资源和规划厅",
      "中国热带农业科学院",
      "省农业科学院",
      "中国邮储银行海南省分行",
      "省卫健委",
      "省人民医院",
      "省地方金融监督管理局",
      "省委组织部",
      "省委机构编制委员会办公室",
      "省交通运输厅",
      "省气象局",
      "省地质局",
      "国家统计局海南调查总队",
      "省住房和城乡建设厅",
      "海口海关缉私局",
      "海口出入境边防检查总站",
      "省委办公厅",
      "省委政策研究室",
      "省审计厅",
      "省公安厅",
      "省人民检察院第一分院",
  };
}

// clang-format off
std::vector<Entry> demo_entries() {
  return {
      {"e01", "党旗代代传 融合促发展 打造自贸港对党忠诚的护法铁军", "省高级人民法院", kPlay, kLinkage},
      {"e02", "把支部建在组上 党心不临时 巡视亮利剑", "省纪委监委", kPlay, kLinkage},
      {"e03", "组合拳强堡垒 审查调查锻铁军", "省纪委监委", kSpeech, kLinkage},
      {"e04", "文明之光 志愿同行", "省委宣传部", kSongDance, kCivilCity},
      {"e05", "“五化”党建 一流办税", "省税务局", kClapper, kBusiness},
      {"e06", "码上办事 指尖便民", "省大数据管理局", kSpeech, kBusiness},
      {"e07", "大社区 大服务", "省民政厅", kPlay, kCivilCity},
      {"e08", "为孩子撑起一片天", "省残联", kSpeech, kPoverty},
      {"e09", "职工的“娘家人”", "省总工会", kSongDance, kEpidemic},
      {"e10", "扭住“三个一线” 服务一流", "省政府政务服务中心", kClapper, kBusiness},
      {"e11", "考评创新 文明同行", "省委直属机关工委", kSongDance, kCivilCity},
      {"e12", "24小时不打烊的文化驿站", "省文化和旅游广电体育厅", kSongDance, kCivilCity},
      {"e13", "“单一窗口”里的套餐式服务", "省商务厅", kPlay, kBusiness},
      {"e14", "离岛免税 买遍全球", "省财政厅", kClapper, kBusiness},
      {"e15", "多证合一 游艇扬帆", "南海海事局", kSongDance, kBusiness},
      {"e16", "美丽乡村会客厅", "省委外办", kPlay, kBusiness},
      {"e17", "进口药品从“零”到“有”", "海南博鳌乐城国际医疗旅游先行区管理局", kSpeech, kBusiness},
      {"e18", "改革创新奖背后的故事", "省委深改办", kSpeech, kBusiness},
      {"e19", "律师制度开新篇", "省人大机关", kClapper, kBusiness},
      {"e20", "海南第一涉外民事法庭", "省第一中级人民法院", kPlay, kBusiness},
      {"e21", "国家智库的“海南担当”", "中国南海研究院", kSpeech, kBusiness},
      {"e22", "环保禁塑 党员在一线", "省生态环境厅", kClapper, kCivilCity},
      {"e23", "鹦哥岭上的守护者", "省林业局", kSongDance, kCivilCity},
      {"e24", "一网通办 “互联网+监管”", "省政府办公厅", kClapper, kBusiness},
      {"e25", "信用监管 全程护航", "省发展和改革委员会", kSpeech, kBusiness},
      {"e26", "一枚印章 16秒拿证", "省消防救援总队", kPlay, kBusiness},
      {"e27", "五级战斗体系的庄严承诺", "省扶贫办", kSpeech, kPoverty},
      {"e28", "爱心扶贫大集市", "省供销社", kClapper, kPoverty},
      {"e29", "电视夜校 致富课堂", "海南广播电视台总台", kPlay, kPoverty},
      {"e30", "唤醒沉睡的土地", "省自然资源和规划厅", kSpeech, kPoverty},
      {"e31", "胶林里的致富经", "中国热带农业科学院", kSongDance, kPoverty},
      {"e32", "接地气的科技人", "省农业科学院", kClapper, kPoverty},
      {"e33", "党建+信用村", "中国邮储银行海南省分行", kPlay, kPoverty},
      {"e34", "疾控人 守一线", "省卫健委", kPlay, kEpidemic},
      {"e35", "四次逆行 初心如炬", "省人民医院", kSongDance, kEpidemic},
      {"e36", "复工复产的“定心丸”", "省地方金融监督管理局", kClapper, kEpidemic},
      {"e37", "指尖上的党员课堂", "省委组织部", kSpeech, kLinkage},
      {"e38", "讲得清 问不倒 做到位", "省委机构编制委员会办公室", kClapper, kLinkage},
      {"e39", "海上党支部", "省交通运输厅", kPlay, kLinkage},
      {"e40", "党建“标准化+” 同频共振", "省气象局", kSongDance, kLinkage},
      {"e41", "软实力 硬成果", "省地质局", kSpeech, kLinkage},
      {"e42", "党建+无人机 护航粮食测产", "国家统计局海南调查总队", kClapper, kLinkage},
      {"e43", "椰树党建 安居兴业", "省住房和城乡建设厅", kSongDance, kCivilCity},
      {"e44", "“四突出”铸就缉私堡垒", "海口海关缉私局", kPlay, kLinkage},
      {"e45", "国门党旗红", "海口出入境边防检查总站", kSongDance, kBusiness},
      {"e46", "坚持“三不” 督查见实效", "省委办公厅", kSpeech, kLinkage},
      {"e47", "自贸港的“笔杆子”", "省委政策研究室", kClapper, kLinkage},
      {"e48", "数据先锋 敢打必胜", "省审计厅", kPlay, kLinkage},
      {"e49", "专案组里的临时党支部", "省公安厅", kPlay, kLinkage},
      {"e50", "以检察蓝守护海南绿", "省人民检察院第一分院", kSpeech, kCivilCity},
  };
}
// clang-format on

std::vector<Round> demo_rounds() {
  // Running orders never put two works of the same form back to back. The final keeps twelve
  // works, including both the article quotes and those of the judges' own units.
  return {
      {"prelim", "初赛", {"e13", "e05", "e35", "e02", "e28", "e15", "e37", "e26",
                          "e04", "e42", "e09", "e01", "e36", "e11", "e17", "e39",
                          "e22", "e29", "e12", "e49", "e40", "e34", "e27", "e20"}},
      {"final",
       "决赛",
       {"e05", "e39", "e11", "e01", "e42", "e29", "e15", "e13", "e37", "e02", "e35", "e26"}},
  };
}

std::vector<Judge> demo_judges() {
  // Tokens stay empty: the server draws random ones when it loads the demo.
  // Judges j1, j3 and j5 come from units with works in both rounds, so recusal shows.
  return {
      {"j1", "王建华", "省委组织部", "", "党建专家"},
      {"j2", "李晓梅", std::nullopt, "", "省委党校教授"},
      {"j3", "陈志强", "省委直属机关工委", "", "机关党建督导组组长"},
      {"j4", "林海燕", std::nullopt, "", "戏剧导演"},
      {"j5", "符永明", "省税务局", "", "党务工作者"},
      {"j6", "吴丽娟", std::nullopt, "", "媒体评论员"},
      {"j7", "黄国栋", std::nullopt, "", "海南大学马克思主义学院教授"},
      {"j8", "张静怡", std::nullopt, "", "声乐教师"},
      {"j9", "周文涛", std::nullopt, "", "营商环境研究学者"},
  };
}

ScoringScheme demo_scoring() {
  ScoringScheme scoring;
  scoring.criteria = {
      {"theme", "主题内涵", 30},
      {"innovation", "创新实效", 30},
      {"art", "艺术表现", 25},
      {"live", "现场效果", 15},
  };
  scoring.decimals = 2;
  scoring.trim = 1;
  scoring.trim_min = 5;
  scoring.judge_weight = 0.9;
  scoring.audience_weight = 0.1;
  return scoring;
}

}  // namespace

Contest demo_contest() {
  Contest contest;
  contest.id = "yeshu-cup";
  contest.name = "“椰树杯”党建创新引领工作创优大赛";
  contest.subtitle = "党建创新引领工作创优 促进一流营商环境建设";
  contest.scoring = demo_scoring();
  contest.units = demo_units();
  contest.forms = {kPlay, kSongDance, kClapper, kSpeech};
  contest.themes = {kBusiness, kEpidemic, kCivilCity, kLinkage, kPoverty};
  contest.entries = demo_entries();
  contest.rounds = demo_rounds();
  contest.judges = demo_judges();
  contest.awards = {
      {"first", "一等奖", 3},
      {"second", "二等奖", 5},
      {"third", "三等奖", 8},
  };
  contest.popularity_award = "最佳人气奖";
  return contest;
}

}  // namespace stagevote::core
