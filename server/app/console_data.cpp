#include "app/console_data.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "protocol/api.hpp"
#include "tools/exporters.hpp"
#include "tools/import.hpp"
#include "tools/tickets.hpp"

namespace stagevote::app {

namespace {

net::ConsoleReply json_reply(unsigned status, const nlohmann::json& body) {
  return {status, "application/json", "", body.dump()};
}

net::ConsoleReply error_reply(unsigned status, const char* code, const std::string& message) {
  return {status, "application/json", "", protocol::error_body(code, message)};
}

}  // namespace

ToolsConsole::ToolsConsole(engine::Engine& engine, store::Store& store, std::string db_name)
    : engine_(engine),
      store_(store),
      db_name_(std::move(db_name)),
      pseudonym_key_(tools::pseudonym_key(store)),
      worker_([this] { run(); }) {}

ToolsConsole::~ToolsConsole() {
  stop();
}

void ToolsConsole::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    dropped.swap(jobs_);
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  // `dropped` goes here, on the caller's thread, with whatever its jobs hold.
}

void ToolsConsole::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ToolsConsole::run() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void ToolsConsole::import_files(std::vector<net::UploadedFile> files, Done done) {
  post([this, files = std::move(files), done = std::move(done)] {
    net::ConsoleReply reply;
    try {
      reply = import_now(files);
    } catch (const std::exception& e) {
      reply = error_reply(500, "internal", std::string("the import failed: ") + e.what());
    }
    done(std::move(reply));
  });
}

void ToolsConsole::export_file(std::string format, std::optional<std::string> round, Done done) {
  post([this, format = std::move(format), round = std::move(round), done = std::move(done)] {
    net::ConsoleReply reply;
    try {
      reply = export_now(format, round);
    } catch (const std::exception& e) {
      reply = error_reply(500, "internal", std::string("the export failed: ") + e.what());
    }
    done(std::move(reply));
  });
}

bool ToolsConsole::prints_pdf() const {
  return tools::find_chromium().has_value();
}

void ToolsConsole::ticket_sheet(std::vector<core::SeatTicket> tickets, std::string base_url,
                                bool english, Done done) {
  post([this, tickets = std::move(tickets), base_url = std::move(base_url), english,
        done = std::move(done)] {
    net::ConsoleReply reply;
    try {
      reply = ticket_sheet_now(tickets, base_url, english);
    } catch (const std::exception& e) {
      // The tickets exist: their codes go back all the same, to be printed some other way.
      reply = {500, "application/json", "",
               protocol::unprinted_tickets_body(
                   "internal",
                   std::string("the tickets were made but their sheet could not be printed: ") +
                       e.what(),
                   tickets)};
    }
    done(std::move(reply));
  });
}

std::optional<net::ConsoleReply> ToolsConsole::import_closed() const {
  if (!engine_.started()) return std::nullopt;
  tools::ImportResult result;
  result.problems.push_back(
      {db_name_, 0,
       "the show has started (a vote, score or host action is in the ledger): the contest can "
       "be replaced only before the first vote, score or host action; the upload was not read"});
  return json_reply(409, tools::import_result_to_json(result));
}

net::ConsoleReply ToolsConsole::import_now(const std::vector<net::UploadedFile>& files) {
  std::vector<tools::SourceFile> uploads;
  for (const auto& file : files) uploads.push_back({file.name, file.bytes});

  tools::ImportResult result;
  const auto started_problem = [this] {
    return tools::Problem{
        db_name_, 0,
        "the ledger already holds " + std::to_string(engine::show_records(store_)) +
            " records of the show (the show has started); the contest can be replaced only before "
            "the first vote, score or host action"};
  };
  // Refused before a byte of the files is read once the show has started.
  if (engine::show_records(store_) > 0) {
    result.problems.push_back(started_problem());
    return json_reply(409, tools::import_result_to_json(result));
  }
  const tools::ImportSources sources = tools::classify_uploads(uploads, result.problems);
  tools::ImportPlan plan = tools::plan_import(sources);
  result.problems.insert(result.problems.end(), plan.problems.begin(), plan.problems.end());
  result.notes = std::move(plan.notes);
  if (!result.problems.empty()) return json_reply(422, tools::import_result_to_json(result));
  // The engine checks again under its lock: a first action may have come in meanwhile.
  if (!engine_.replace_contest(*plan.contest)) {
    result.problems.push_back(started_problem());
    return json_reply(409, tools::import_result_to_json(result));
  }
  result.imported = true;
  result.replaced = true;  // a running server always holds a contest
  result.contest = std::move(plan.contest);
  result.generated_tokens = std::move(plan.generated_tokens);
  return json_reply(200, tools::import_result_to_json(result));
}

net::ConsoleReply ToolsConsole::export_now(const std::string& format,
                                           const std::optional<std::string>& round) {
  static const std::set<std::string> kFormats = {"csv", "xlsx", "html", "pdf", "ledger"};
  if (!kFormats.count(format)) {
    return error_reply(400, "bad_request",
                       "unknown format " + format + ": csv, xlsx, html, pdf or ledger");
  }
  const std::string contest_id = engine_.contest()->id;
  if (format == "ledger") {
    engine_.flush();  // everything acknowledged so far is in the file
    return {200, "text/csv; charset=utf-8", contest_id + "-ledger.csv",
            tools::export_ledger_csv(store_, pseudonym_key_)};
  }
  const core::Show show = engine_.committed_copy();
  if (round && !show.contest().find_round(*round)) {
    return error_reply(404, "not_found", "no round " + *round);
  }
  if (format == "pdf" && !tools::find_chromium()) {
    return error_reply(501, "no_pdf",
                       "PDF needs Chromium (/usr/bin/chromium), which this server does not have; "
                       "export the publication sheet as HTML and print it from a browser");
  }
  // The seal names at least every record the copy holds.
  engine_.flush();
  const tools::LedgerSeal seal = tools::ledger_seal(store_);
  const std::string stem = contest_id + "-" + round.value_or("all");
  if (format == "csv") {
    return {200, "text/csv; charset=utf-8", stem + "-results.csv",
            tools::export_results_csv(show, round, seal)};
  }
  if (format == "xlsx") {
    return {200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            stem + "-results.xlsx", tools::export_results_xlsx(show, round, seal)};
  }
  std::string html = tools::export_publication_html(show, round, seal, engine_.clock().now());
  if (format == "html") {
    return {200, "text/html; charset=utf-8", stem + "-publication.html", std::move(html)};
  }
  return {200, "application/pdf", stem + "-publication.pdf", tools::render_pdf(html)};
}

net::ConsoleReply ToolsConsole::ticket_sheet_now(const std::vector<core::SeatTicket>& tickets,
                                                 const std::string& base_url, bool english) {
  const std::string html = tools::ticket_sheet_html(
      *engine_.contest(), tickets, base_url,
      english ? tools::TicketLanguages::zh_en : tools::TicketLanguages::zh);
  return {200, "application/pdf",
          "tickets-" + tickets.front().number + "-" + tickets.back().number + ".pdf",
          tools::render_pdf(html)};
}

}  // namespace stagevote::app
