#include <kwfp/base/external_command.h>
#include <kwfp/base/launch_environment.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>


namespace kwfp
{
  TemporaryDirectory::TemporaryDirectory(const std::string &tag)
  {
    const char       *tmp  = std::getenv("TMPDIR");
    std::string       base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
    std::string       name = base + "/kwfp-" + tag + "-XXXXXX";
    std::vector<char> buffer(name.begin(), name.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr)
      throw std::runtime_error("cannot create a temporary directory '" + name +
                               "': " + std::strerror(errno));
    directory = buffer.data();
  }


  TemporaryDirectory::~TemporaryDirectory()
  {
    // what the command wrote, whatever its names, subdirectories too
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  }


  const std::string &
  TemporaryDirectory::path() const
  {
    return directory;
  }


  std::string
  TemporaryDirectory::file(const std::string &name) const
  {
    return directory + "/" + name;
  }


  std::string
  CommandOutcome::describe(const double timeout) const
  {
    std::ostringstream s;
    if (timed_out)
      s << "still running after the timeout of " << timeout << " s (killed)";
    else if (exited)
      s << "exit status " << exit_status;
    else
      s << "killed by signal " << signal << " (" << strsignal(signal) << ")";
    return s.str();
  }


  namespace
  {
    /// Ends the process group @p pid after a timeout: SIGTERM, then
    /// SIGKILL if it is still there half a second later; reaps @p pid.
    int
    kill_group(const pid_t pid)
    {
      kill(-pid, SIGTERM);
      int status = 0;
      for (int i = 0; i < 50; ++i)
        {
          if (waitpid(pid, &status, WNOHANG) == pid)
            {
              kill(-pid, SIGKILL); // children that ignored SIGTERM
              return status;
            }
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      kill(-pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        {}
      return status;
    }
  } // namespace


  CommandOutcome
  run_command(const std::string &command_line,
              const double       timeout,
              const std::string &log_file)
  {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(
      &actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // a process group of its own, so that a timeout ends its children too;
    // the default signal dispositions (kwfp catches SIGINT and SIGTERM)
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes,
                             POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                               POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attributes, 0);

    std::string sh = "sh", dash_c = "-c", command = command_line;
    char       *argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};
    const auto  start  = std::chrono::steady_clock::now();
    pid_t       pid    = 0;
    const int   error  = posix_spawn(
      &pid, "/bin/sh", &actions, &attributes, argv, launch_environment());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (error != 0)
      throw std::runtime_error("cannot start /bin/sh: " +
                               std::string(std::strerror(error)));

    CommandOutcome outcome;
    int            status = 0;
    auto           pause  = std::chrono::microseconds(200);
    while (true)
      {
        // Has it ended? Not reaped yet (WNOWAIT): while the shell is a
        // zombie its process group id stays reserved, so that what it left
        // running in the group can be killed without hitting another group.
        siginfo_t info;
        info.si_pid    = 0;
        const int done = waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT);
        if (done == 0 && info.si_pid == pid)
          {
            kill(-pid, SIGKILL); // background children left in the group
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
              {}
            break;
          }
        if (done < 0 && errno != EINTR)
          throw std::runtime_error("waitid failed: " +
                                   std::string(std::strerror(errno)));
        const double elapsed = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
        if (elapsed > timeout)
          {
            status            = kill_group(pid);
            outcome.timed_out = true;
            break;
          }
        std::this_thread::sleep_for(pause);
        // poll often for quick commands, every 20 ms for slow ones
        pause = std::min(2 * pause, std::chrono::microseconds(20000));
      }
    outcome.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
        .count();
    if (WIFEXITED(status))
      {
        outcome.exited      = true;
        outcome.exit_status = WEXITSTATUS(status);
      }
    else if (WIFSIGNALED(status))
      outcome.signal = WTERMSIG(status);
    return outcome;
  }


  std::string
  shell_quote(const std::string &text)
  {
    std::string quoted = "'";
    for (const char c : text)
      if (c == '\'')
        quoted += "'\\''";
      else
        quoted += c;
    return quoted + "'";
  }


  std::string
  file_tail(const std::string &file_name, const unsigned int max_lines)
  {
    std::ifstream           in(file_name);
    std::deque<std::string> lines;
    std::string             line;
    while (std::getline(in, line))
      {
        lines.push_back(line);
        if (lines.size() > max_lines)
          lines.pop_front();
      }
    std::string text;
    for (const std::string &l : lines)
      text += "    " + l + "\n";
    return text;
  }
} // namespace kwfp
