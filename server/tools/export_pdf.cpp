// PDF of the publication sheet: Chromium's own print engine (the same CSS as on paper).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tools/exporters.hpp"

extern char** environ;

namespace stagevote::tools {

std::optional<std::string> find_chromium() {
  for (const char* path :
       {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (access(path, X_OK) == 0) return std::string(path);
  return std::nullopt;
}

std::string print_pdf(const std::string& html, const std::string& pdf_path) {
  auto chromium = find_chromium();
  if (!chromium) return "Chromium is not installed (/usr/bin/chromium); export html and print it";

  namespace fs = std::filesystem;
  std::string dir_pattern = (fs::temp_directory_path() / "stagevote-pdf-XXXXXX").string();
  if (mkdtemp(dir_pattern.data()) == nullptr) return "cannot create a temporary directory";
  const fs::path dir = dir_pattern;
  const fs::path page = dir / "sheet.html";
  {
    std::ofstream out(page, std::ios::binary);
    out << html;
    if (!out) return "cannot write " + page.string();
  }
  const std::string absolute_pdf = fs::absolute(pdf_path).string();
  std::error_code ignored;
  fs::remove(absolute_pdf, ignored);

  // A private profile directory: a second Chromium on the machine must not interfere.
  std::vector<std::string> args = {*chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-dev-shm-usage",
                                   "--no-first-run",
                                   "--no-pdf-header-footer",
                                   "--user-data-dir=" + (dir / "profile").string(),
                                   "--print-to-pdf=" + absolute_pdf,
                                   "file://" + page.string()};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Chromium is chatty on stderr; the caller reports what matters.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, chromium->c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    fs::remove_all(dir, ignored);
    return "cannot start " + *chromium;
  }

  // A stuck browser must not hang the export: give it two minutes.
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    fs::remove_all(dir, ignored);
    return "Chromium did not finish printing within two minutes";
  }
  fs::remove_all(dir, ignored);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "Chromium failed to print (exit status " + std::to_string(WEXITSTATUS(status)) + ")";
  if (!fs::exists(absolute_pdf) || fs::file_size(absolute_pdf) == 0)
    return "Chromium printed no PDF";
  return {};
}

std::string render_pdf(const std::string& html) {
  namespace fs = std::filesystem;
  std::string dir_pattern = (fs::temp_directory_path() / "stagevote-pdf-out-XXXXXX").string();
  if (mkdtemp(dir_pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary directory");
  const fs::path pdf = fs::path(dir_pattern) / "sheet.pdf";
  std::string error = print_pdf(html, pdf.string());
  std::string bytes;
  if (error.empty()) {
    std::ifstream in(pdf, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::error_code ignored;
  fs::remove_all(dir_pattern, ignored);
  if (!error.empty()) throw std::runtime_error(error);
  return bytes;
}

}  // namespace stagevote::tools
