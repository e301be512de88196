#pragma once
// The host console's import, exports and ticket sheets (net::ConsoleData) on top of the
// organisers' tools (server/tools/): the same code as `stagevote import`, `stagevote export`
// and `stagevote tickets`, against the running show. Jobs run one at a time on a thread of
// their own: parsing uploads and printing a PDF take a while, and the network threads must
// not wait on them.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "engine/engine.hpp"
#include "net/console_data.hpp"
#include "store/store.hpp"

namespace stagevote::app {

class ToolsConsole : public net::ConsoleData {
 public:
  // `db_name` names the database in problems ("show.db: the ledger already holds ...").
  // Makes the database's pseudonym key if it has none (writes SQLite: start-up only).
  ToolsConsole(engine::Engine& engine, store::Store& store, std::string db_name);
  ~ToolsConsole() override;
  ToolsConsole(const ToolsConsole&) = delete;
  ToolsConsole& operator=(const ToolsConsole&) = delete;

  // Replies: 200 and import_result_to_json when imported (the engine then serves the new
  // contest); 422 with the problems; 409 once the show has started.
  void import_files(std::vector<net::UploadedFile> files, Done done) override;
  // Replies with the file as an attachment, or JSON errors: 400 unknown format, 404 unknown
  // round, 501 PDF without Chromium, 500 if an export fails.
  void export_file(std::string format, std::optional<std::string> round, Done done) override;
  bool prints_pdf() const override;
  // Replies with the PDF as the attachment tickets-<first>-<last>.pdf; if printing fails,
  // 500 with the codes (protocol::unprinted_tickets_body).
  void ticket_sheet(std::vector<core::SeatTicket> tickets, std::string base_url, bool english,
                    Done done) override;
  // 409 with the "show has started" problem once anything has happened: the upload is then
  // not parsed at all (not even its multipart form), let alone its spreadsheets.
  std::optional<net::ConsoleReply> import_closed() const override;

  // Finishes the job under way and drops the queued ones (their `done` is never called).
  // Call it once the server's threads have stopped, before the server is destroyed.
  void stop();

 private:
  void post(std::function<void()> job);
  void run();
  net::ConsoleReply import_now(const std::vector<net::UploadedFile>& files);
  net::ConsoleReply export_now(const std::string& format, const std::optional<std::string>& round);
  net::ConsoleReply ticket_sheet_now(const std::vector<core::SeatTicket>& tickets,
                                     const std::string& base_url, bool english);

  engine::Engine& engine_;
  store::Store& store_;
  std::string db_name_;
  std::string pseudonym_key_;  // device tokens in the ledger export become pseudonyms under it

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::thread worker_;                      // last: started once the rest is ready
};

}  // namespace stagevote::app
