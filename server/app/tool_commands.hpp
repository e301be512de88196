#pragma once
// The organisers' command-line tools, dispatched by `stagevote <command> ...` from main.
// Each takes the arguments after the command name, prints to stdout/stderr and returns the
// process exit code (0 ok, 1 the check failed / invalid input, 2 bad usage). Those that write
// the ledger (import, tickets) are refused while a server runs on the database
// (app/database_lock.hpp).
#include <string>
#include <vector>

namespace stagevote::app {

int run_import(const std::vector<std::string>& args);   // stagevote import --db FILE ...
int run_export(const std::vector<std::string>& args);   // stagevote export --db FILE ...
int run_verify(const std::vector<std::string>& args);   // stagevote verify --db FILE
int run_recount(const std::vector<std::string>& args);  // stagevote recount --db FILE --round ID
int run_tickets(const std::vector<std::string>& args);  // stagevote tickets --db FILE --count N ...
int run_judge_cards(const std::vector<std::string>& args);  // stagevote judge-cards --db FILE ...
// stagevote judges-report --db FILE --round ID --format json|xlsx|pdf [--out F]
int run_judges_report(const std::vector<std::string>& args);

}  // namespace stagevote::app
