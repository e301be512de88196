// The command-line faces of the organisers' tools (tool_commands.hpp): files, exit codes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <variant>

#include "app/tool_commands.hpp"

#include "app/args.hpp"
#include "app/database_lock.hpp"
#include "engine/clock.hpp"
#include "engine/engine.hpp"
#include "engine/restore.hpp"
#include "engine/tickets.hpp"
#include "net/lan_address.hpp"
#include "net/serve_options.hpp"
#include "protocol/views.hpp"
#include "store/store.hpp"
#include "tools/exporters.hpp"
#include "tools/import.hpp"
#include "tools/judge_cards.hpp"
#include "tools/judges_report.hpp"
#include "tools/public_ledger.hpp"
#include "tools/recount.hpp"
#include "tools/tickets.hpp"
#include "tools/verify.hpp"

namespace stagevote::app {

using namespace stagevote::tools;

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

int help(const char* synopsis) {
  std::cout << "usage: " << synopsis << "\n";
  return kOk;
}

int usage(const std::string& reason, const char* synopsis) {
  std::cerr << "stagevote: " << reason << "\nusage: " << synopsis << "\n";
  return kUsage;
}

// Tools read a database that exists: opening a missing path must not create an empty one.
void require_database(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such database");
}

void write_file(const std::string& path, const std::string& bytes) {
  if (path == "-") {
    std::cout << bytes;
    return;
  }
  // Exports name judges and carry the ledger: the owner's only (0600), like the database.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  struct stat status {};
  if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
    [[maybe_unused]] const int narrowed = ::fchmod(fd, 0600);  // a file that was there before
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      throw std::runtime_error(path + ": cannot write: " + std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
}

// A file another program (Chromium) wrote for us: the owner's only, as write_file's.
void keep_private(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode)) {
    [[maybe_unused]] const int narrowed = ::chmod(path.c_str(), 0600);
  }
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr const char* kImportSynopsis =
    "stagevote import --db FILE --scheme SCHEME.toml|.json [--entries FILE.csv|.xlsx] "
    "[--judges FILE.csv|.xlsx] [--check]\n"
    "       stagevote import --db FILE SCHEME ENTRIES JUDGES   (files sorted by name and header)";
constexpr const char* kExportSynopsis =
    "stagevote export --db FILE [--round ID] --format csv|xlsx|html|pdf|ledger|public-ledger "
    "--out PATH|- [--lang zh|zh,en]\n"
    "  --lang zh,en     the 公示 (html, pdf, the xlsx's first sheet) in Chinese and English\n"
    "                   (default zh)\n"
    "  public-ledger    the ledger without secrets, for `stagevote verify --public`";
constexpr const char* kVerifySynopsis =
    "stagevote verify --db FILE [--head HASH] [--contest HASH]\n"
    "       stagevote verify --public FILE [--head HASH]   (a public ledger, without the database)";
constexpr const char* kRecountSynopsis = "stagevote recount --db FILE [--round ID]";
constexpr const char* kTicketsSynopsis =
    "stagevote tickets --db FILE --count N --out TICKETS.pdf [--url BASE_URL] [--lang zh|zh,en]\n"
    "  makes N seat tickets (1 to 1000) in the database, numbered after those it holds, and\n"
    "  prints them on A4, eight to a page, for cutting (needs Chromium)\n"
    "  --url BASE_URL   where phones reach the server (default: what `stagevote serve` prints,\n"
    "                   http://<LAN address>:8080); the QR codes open BASE_URL/vote#ticket=CODE\n"
    "  --lang zh,en     the instructions in Chinese and English (default zh)\n"
    "  Refused while `stagevote serve` runs on the database: make them from the host console.";

// What a command that writes the ledger says when the server owns the database.
constexpr const char* kImportInstead = "import from the host console (数据 → 导入比赛)";
constexpr const char* kTicketsInstead = "make tickets from the host console (数据 → 座位票)";

// A tool's body, with what it throws turned into its exit code and one line: a usage error
// with the synopsis, a database a server owns with what to do instead (`instead`), anything
// else as it is.
template <class Body>
int guarded(const char* tool, const char* synopsis, const char* instead, Body body) {
  try {
    return body();
  } catch (const UsageError& error) {
    return usage(error.what(), synopsis);
  } catch (const DatabaseBusy& busy) {
    std::cerr << "stagevote " << tool << ": " << refusal(busy, instead ? instead : "") << "\n";
    return kFailed;
  } catch (const std::exception& error) {
    std::cerr << "stagevote " << tool << ": " << error.what() << "\n";
    return kFailed;
  }
}
// The longest --url a ticket's QR code is sure to hold with its code (support::kMaxQrText).
constexpr std::size_t kMaxBaseUrl = 256;

void print_problems(const Problems& problems) {
  for (const auto& problem : problems) std::cerr << to_string(problem) << "\n";
  std::cerr << "nothing imported: " << problems.size()
            << (problems.size() == 1 ? " problem" : " problems") << "\n";
}

}  // namespace

int run_import(const std::vector<std::string>& raw) {
  return guarded("import", kImportSynopsis, kImportInstead, [&] {
    const Args args(raw, {{"db", "scheme", "entries", "judges"}, {"check"}, {}});
    if (args.help()) return help(kImportSynopsis);
    const std::string db = args.require("db");
    ImportSources sources;
    Problems problems;
    if (!args.positional().empty()) {
      std::vector<SourceFile> files;
      for (const auto& path : args.positional()) files.push_back(load_source_file(path));
      sources = classify_uploads(files, problems);
    }
    auto take = [&](const char* flag, std::optional<SourceFile>& slot) {
      if (auto path = args.get(flag)) {
        if (slot)
          throw UsageError(std::string("--") + flag + " and a file given as a word both name the " +
                           flag);
        slot = load_source_file(*path);
      }
    };
    take("scheme", sources.scheme);
    take("entries", sources.entries);
    take("judges", sources.judges);
    if (!sources.scheme) throw UsageError("a scheme file is required (--scheme FILE.toml)");
    if (!problems.empty()) {
      print_problems(problems);
      return kFailed;
    }

    if (args.has("check")) {
      ImportPlan plan = plan_import(sources);
      for (const auto& note : plan.notes) std::cout << "note: " << note << "\n";
      if (!plan.problems.empty()) {
        print_problems(plan.problems);
        return kFailed;
      }
      std::cout << "ok: " << plan.contest->entries.size() << " entries, "
                << plan.contest->judges.size() << " judges, " << plan.contest->rounds.size()
                << " rounds (checked only, nothing written)\n";
      return kOk;
    }

    const DatabaseLock lock(db, "import");
    store::Store store(db);
    ImportResult result = import_contest(store, db, sources);
    for (const auto& note : result.notes) std::cout << "note: " << note << "\n";
    if (!result.imported) {
      print_problems(result.problems);
      return kFailed;
    }
    const core::Contest& contest = *result.contest;
    std::cout << (result.replaced ? "replaced the contest in " : "imported into ") << db << ": "
              << contest.name << " (" << contest.id << ")\n";
    for (const auto& round : contest.rounds)
      std::cout << "  round " << round.id << " " << round.name << ": " << round.entries.size()
                << " entries\n";
    // The entries' units: an outside judge's unit is not one, nor a listed unit without entries.
    std::set<std::string> entry_units;
    for (const auto& entry : contest.entries) entry_units.insert(entry.unit);
    std::cout << "  " << contest.entries.size() << " entries from " << entry_units.size()
              << " units; " << contest.judges.size() << " judges (tokens: open /judge#t=TOKEN)\n";
    for (const auto& judge : contest.judges) {
      bool made = std::find(result.generated_tokens.begin(), result.generated_tokens.end(),
                            judge.id) != result.generated_tokens.end();
      std::cout << "  judge " << judge.id << " " << judge.name << "  token " << judge.token
                << (made ? "  (new)" : "") << "\n";
    }
    return kOk;
  });
}

int run_export(const std::vector<std::string>& raw) {
  return guarded("export", kExportSynopsis, nullptr, [&] {
    const Args args(raw, {{"db", "round", "format", "out", "lang"}, {}, {}});
    if (args.help()) return help(kExportSynopsis);
    args.no_positional();
    const std::string db = args.require("db");
    const std::string format = args.require("format");
    const std::string out = args.require("out");
    const std::optional<std::string> round = args.get("round");
    static const std::set<std::string> kFormats = {"csv", "xlsx",   "html",
                                                   "pdf", "ledger", "public-ledger"};
    if (!kFormats.count(format)) throw UsageError("unknown format " + format);
    const std::string lang = args.non_empty("lang").value_or("zh");
    if (lang != "zh" && lang != "zh,en") throw UsageError("--lang is zh or zh,en, not " + lang);
    const Languages languages = lang == "zh,en" ? Languages::zh_en : Languages::zh;
    if (format == "pdf" && out == "-") throw UsageError("a PDF needs a file (--out FILE.pdf)");
    require_database(db);

    store::Store store(db);
    if (format == "ledger") {
      write_file(out, export_ledger_csv(store, pseudonym_key(store)));
    } else if (format == "public-ledger") {
      write_file(out, export_public_ledger(store, pseudonym_key(store)));
    } else {
      core::Show show = engine::restore(store).show;
      if (round && !show.contest().find_round(*round)) {
        std::string known;
        for (const auto& r : show.contest().rounds) known += " " + r.id;
        throw std::runtime_error("unknown round " + *round + " (rounds:" + known + ")");
      }
      const LedgerSeal seal = ledger_seal(store);
      if (format == "csv") write_file(out, export_results_csv(show, round, seal));
      if (format == "xlsx") write_file(out, export_results_xlsx(show, round, seal, languages));
      if (format == "html")
        write_file(out, export_publication_html(show, round, seal, now_ms(), languages));
      if (format == "pdf") {
        if (std::string error =
                print_pdf(export_publication_html(show, round, seal, now_ms(), languages), out);
            !error.empty())
          throw std::runtime_error(error);
        keep_private(out);
      }
    }
    if (out != "-") std::cout << "wrote " << out << "\n";
    return kOk;
  });
}

namespace {

// `stagevote verify --public FILE [--head HASH]`: what anyone with the published file can check.
int verify_public(const std::string& path, const std::optional<std::string>& head) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such file");
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const PublicVerifyReport report = verify_public_ledger(text, head);
  for (const auto& line : report.results) std::cout << "result: " << line << "\n";
  if (!report.ok) {
    if (report.broken_seq > 0) {
      std::cout << "BROKEN at seq " << report.broken_seq << ": " << report.reason << "\n";
    } else {
      std::cout << "BROKEN: " << report.reason << "\n";
    }
    return kFailed;
  }
  std::cout << "ok: " << report.records << " records, every hash recomputed\n";
  std::cout << "head: " << (report.head_hash.empty() ? "(empty ledger)" : report.head_hash) << "\n";
  if (report.head_seq > 0)
    std::cout << "published head: seq " << report.head_seq << " (in the chain)\n";
  std::cout << "results: recomputed from the records, equal to the published ones\n";
  for (const auto& note : report.notes) std::cout << "note: " << note << "\n";
  return kOk;
}

}  // namespace

int run_verify(const std::vector<std::string>& raw) {
  return guarded("verify", kVerifySynopsis, nullptr, [&] {
    const Args args(raw, {{"db", "head", "contest", "public"}, {}, {}});
    if (args.help()) return help(kVerifySynopsis);
    args.no_positional();
    if (auto file = args.get("public")) {
      if (args.get("db") || args.get("contest"))
        throw UsageError("--public checks a public ledger alone: no --db, no --contest");
      return verify_public(*file, args.get("head"));
    }
    VerifyReport report =
        verify_database(args.require("db"), {args.get("head"), args.get("contest")});
    if (!report.ok) {
      if (report.broken_seq > 0) {
        std::cout << "BROKEN at seq " << report.broken_seq << ": " << report.reason << "\n";
      } else {
        std::cout << "BROKEN: " << report.reason << "\n";
      }
      return kFailed;
    }
    std::cout << "ok: " << report.records << " records\n";
    std::cout << "head: " << (report.head_hash.empty() ? "(empty ledger)" : report.head_hash)
              << "\n";
    std::cout << "contest: " << (report.contest_hash.empty() ? "(none)" : report.contest_hash)
              << "\n";
    for (const auto& round : report.results) {
      std::cout << "results from the ledger alone: " << round << "\n";
    }
    if (report.published_heads > 0) {
      std::cout << "published heads: " << report.published_heads << " (all in the chain)\n";
    }
    if (!report.note.empty()) std::cout << "note: " << report.note << "\n";
    for (const auto& [kind, count] : report.after_head) {
      std::cout << "after the published head: " << count << " " << kind << "\n";
    }
    return kOk;
  });
}

int run_recount(const std::vector<std::string>& raw) {
  return guarded("recount", kRecountSynopsis, nullptr, [&] {
    const Args args(raw, {{"db", "round"}, {}, {}});
    if (args.help()) return help(kRecountSynopsis);
    args.no_positional();
    const std::string db = args.require("db");
    require_database(db);
    store::Store store(db);
    std::vector<std::string> rounds;
    if (auto round = args.get("round")) {
      rounds.push_back(*round);
    } else {
      for (const auto& r : engine::load_contest(store).rounds) rounds.push_back(r.id);
    }
    bool all_ok = true;
    for (const auto& round : rounds) {
      RecountReport report = recount_round(store, round);
      std::cout << format_recount(report);
      all_ok = all_ok && report.ok();
    }
    return all_ok ? kOk : kFailed;
  });
}

namespace {

// Makes `count` tickets in the database through the engine, exactly as the host console's
// POST /api/tickets does (engine::issue_tickets): the ledger holds them once this returns.
// The caller holds the database's lock.
std::pair<std::vector<core::SeatTicket>, core::Contest> make_tickets(const std::string& db,
                                                                     int count) {
  store::Store store(db);
  const engine::SystemClock clock;
  engine::Engine engine(store, clock, engine::restore(store));
  std::promise<std::variant<std::vector<core::SeatTicket>, core::Error>> made;
  engine::issue_tickets(engine, count, [&made](auto result) { made.set_value(std::move(result)); });
  auto result = made.get_future().get();
  engine.flush();
  if (auto* error = std::get_if<core::Error>(&result)) {
    throw std::runtime_error("no tickets made: " + error->message);
  }
  return {std::move(std::get<std::vector<core::SeatTicket>>(result)), *engine.contest()};
}

}  // namespace

// The server's address printed on paper (tickets, judge cards): --url, or without it what
// `stagevote serve` prints with its defaults (net::base_url also takes a trailing '/' off).
std::string printed_base_url(const Args& args) {
  const net::ServeOptions serve_defaults;
  const std::string url =
      net::base_url(args.non_empty("url").value_or(""), serve_defaults.bind, serve_defaults.port);
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw UsageError("--url must start with http:// or https://, not '" + url + "'");
  }
  if (url.size() > kMaxBaseUrl) {
    throw UsageError("--url may be at most " + std::to_string(kMaxBaseUrl) + " characters");
  }
  return url;
}

int run_tickets(const std::vector<std::string>& raw) {
  return guarded("tickets", kTicketsSynopsis, kTicketsInstead, [&] {
    const Args args(raw, {{"db", "count", "out", "url", "lang"}, {}, {}});
    if (args.help()) return help(kTicketsSynopsis);
    args.no_positional();
    const std::string db = args.require("db");
    const auto count = args.number("count", core::kMaxPrintedTickets);
    if (!count || *count == 0) {
      throw UsageError("--count N is required: 1 to " + std::to_string(core::kMaxPrintedTickets) +
                       " tickets");
    }
    const std::string out = args.require("out");
    if (out == "-") throw UsageError("a PDF needs a file (--out FILE.pdf)");
    const std::string url = printed_base_url(args);
    const std::string lang = args.non_empty("lang").value_or("zh");
    if (lang != "zh" && lang != "zh,en") throw UsageError("--lang is zh or zh,en, not " + lang);
    require_database(db);

    std::vector<core::SeatTicket> tickets;
    core::Contest contest;
    {
      // Held while the database is open, not while Chromium prints.
      const DatabaseLock lock(db, "tickets");
      // Checked before any ticket is made: tickets nobody can print are made for nothing.
      if (!find_chromium()) {
        throw std::runtime_error(
            "printing tickets needs Chromium (/usr/bin/chromium), which is not installed; no "
            "tickets made");
      }
      std::tie(tickets, contest) = make_tickets(db, static_cast<int>(*count));
    }
    const std::string range = printed_ticket_number(tickets.front().number) + " to " +
                              printed_ticket_number(tickets.back().number);
    std::cout << "made " << tickets.size() << " tickets in " << db << ": " << range << "\n";

    const std::string html = ticket_sheet_html(
        contest, tickets, url, lang == "zh,en" ? TicketLanguages::zh_en : TicketLanguages::zh);
    if (std::string error = print_pdf(html, out); !error.empty()) {
      // The codes exist nowhere else: keep the sheet as HTML, to be printed from a browser.
      const std::string fallback = std::filesystem::path(out).replace_extension(".html").string();
      write_file(fallback, html);
      throw std::runtime_error("the tickets were made but not printed (" + error +
                               "); their sheet is in " + fallback + ": print it from a browser");
    }
    keep_private(out);  // the codes are credentials
    const std::size_t pages = (tickets.size() + kTicketsPerPage - 1) / kTicketsPerPage;
    std::cout << "wrote " << out << ": " << pages << (pages == 1 ? " A4 page" : " A4 pages")
              << " to cut; the QR codes open " << ticket_url(url, "CODE") << "\n";
    return kOk;
  });
}

namespace {

constexpr const char* kJudgeCardsSynopsis =
    "stagevote judge-cards --db FILE --out CARDS.pdf [--url BASE_URL] [--judge ID]\n"
    "  prints one A4 card per judge (as the host console's 评委卡), with a QR code that opens\n"
    "  the judge's scoring page (needs Chromium); the cards hold the judges' tokens: keep them\n"
    "  --url BASE_URL   where phones reach the server (default: what `stagevote serve` prints,\n"
    "                   http://<LAN address>:8080); the QR codes open BASE_URL/judge#t=TOKEN\n"
    "  --judge ID       that judge's card only (after a reissue)";

}  // namespace

int run_judge_cards(const std::vector<std::string>& raw) {
  return guarded("judge-cards", kJudgeCardsSynopsis, nullptr, [&] {
    const Args args(raw, {{"db", "out", "url", "judge"}, {}, {}});
    if (args.help()) return help(kJudgeCardsSynopsis);
    args.no_positional();
    const std::string db = args.require("db");
    const std::string out = args.require("out");
    if (out == "-") throw UsageError("a PDF needs a file (--out FILE.pdf)");
    const std::string url = printed_base_url(args);
    require_database(db);
    // Only reads: the tokens as they are now (a reissued judge's new one), beside a server too.
    const core::Contest contest = [&] {
      store::Store store(db);
      return engine::load_contest(store);
    }();
    const std::optional<std::string> judge = args.non_empty("judge");
    const std::string html = judge_cards_html(contest, url, judge);  // throws for an unknown judge
    if (std::string error = print_pdf(html, out); !error.empty()) throw std::runtime_error(error);
    keep_private(out);  // the tokens are credentials
    const std::size_t cards = judge ? 1 : contest.judges.size();
    std::cout << "wrote " << out << ": " << cards << (cards == 1 ? " judge card" : " judge cards")
              << ", one A4 page each; the QR codes open " << judge_url(url, "TOKEN") << "\n";
    return kOk;
  });
}

namespace {

constexpr const char* kJudgesReportSynopsis =
    "stagevote judges-report --db FILE --round ID --format json|xlsx|pdf [--out FILE|-]\n"
    "  each judge's marking over the round measured against the rest of the panel: bias,\n"
    "  marking score, dropped highest/lowest, Spearman's rho, related-unit deviation, flags\n"
    "  (docs/judging.md); json goes to stdout unless --out names a file";

}  // namespace

int run_judges_report(const std::vector<std::string>& raw) {
  return guarded("judges-report", kJudgesReportSynopsis, nullptr, [&] {
    const Args args(raw, {{"db", "round", "format", "out"}, {}, {}});
    if (args.help()) return help(kJudgesReportSynopsis);
    args.no_positional();
    const std::string db = args.require("db");
    const std::string round = args.require("round");
    const std::string format = args.require("format");
    if (format != "json" && format != "xlsx" && format != "pdf")
      throw UsageError("unknown format " + format + " (json, xlsx or pdf)");
    const std::string out = args.non_empty("out").value_or(format == "json" ? "-" : "");
    if (out.empty() || (format != "json" && out == "-"))
      throw UsageError("a " + format + " needs a file (--out FILE." + format + ")");
    require_database(db);
    store::Store store(db);
    const core::Show show = engine::restore(store).show;
    if (!show.contest().find_round(round)) {
      std::string known;
      for (const auto& r : show.contest().rounds) known += " " + r.id;
      throw std::runtime_error("unknown round " + round + " (rounds:" + known + ")");
    }
    const core::RoundStats stats = core::judge_stats(show.contest().scoring, show.contest().judges,
                                                     core::scored_entries(show, round));
    if (format == "json") {
      write_file(out, protocol::judge_stats_json(show.contest(), round, stats).dump(2) + "\n");
    } else if (format == "xlsx") {
      write_file(out, judges_report_xlsx(show.contest(), round, stats));
    } else {
      if (std::string error =
              print_pdf(judges_report_html(show.contest(), round, stats, now_ms()), out);
          !error.empty())
        throw std::runtime_error(error);
      keep_private(out);
    }
    if (out != "-") std::cout << "wrote " << out << "\n";
    return kOk;
  });
}

}  // namespace stagevote::app
