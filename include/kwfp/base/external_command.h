#ifndef kwfp_base_external_command_h
#define kwfp_base_external_command_h

#include <string>

namespace kwfp
{
  /**
   * @brief A temporary directory (mkdtemp under $TMPDIR, else /tmp) that is
   * removed, with the files in it, when the object goes out of scope,
   * whatever happened in between (an exception, a failed command).
   */
  class TemporaryDirectory
  {
  public:
    /// Creates "<TMPDIR>/kwfp-<@p tag>-XXXXXX"; throws std::runtime_error
    /// when it cannot.
    explicit TemporaryDirectory(const std::string &tag);
    /// Removes the directory and all in it (also subdirectories the
    /// command made); never throws.
    ~TemporaryDirectory();
    TemporaryDirectory(const TemporaryDirectory &) = delete;
    TemporaryDirectory &
    operator=(const TemporaryDirectory &) = delete;

    /// The directory.
    const std::string &
    path() const;
    /// "path()/@p name".
    std::string
    file(const std::string &name) const;

  private:
    std::string directory;
  };

  /// What became of a command run by run_command().
  struct CommandOutcome
  {
    /// It exited by itself (exit_status is then valid).
    bool exited = false;
    /// Its exit status, if it exited.
    int exit_status = -1;
    /// The signal that ended it, if one did.
    int signal = 0;
    /// It ran longer than the timeout and was killed.
    bool timed_out = false;
    /// Wall-clock seconds it took.
    double seconds = 0;

    /// exited with status 0.
    bool
    succeeded() const
    {
      return exited && exit_status == 0 && !timed_out;
    }

    /// "exit status 1", "killed by signal 9", "killed after the timeout of
    /// 2 s".
    std::string
    describe(const double timeout) const;
  };

  /**
   * Run @p command_line with /bin/sh -c in a new process group (posix_spawn,
   * which does not copy the address space of a large MPI process), its
   * standard input from /dev/null and its standard output and error into
   * the file @p log_file, and the environment kwfp started with
   * (launch_environment(): without what MPI_Init added). Waits for it,
   * polling; after @p timeout seconds
   * (> 0) the whole process group gets SIGTERM, then, half a second later,
   * SIGKILL. When the shell has ended, what it left running in its process
   * group (background children) gets SIGKILL. Throws std::runtime_error
   * only when the shell cannot be started.
   */
  CommandOutcome
  run_command(const std::string &command_line,
              const double       timeout,
              const std::string &log_file);

  /// @p text quoted for /bin/sh ('...' with ' written as '\'').
  std::string
  shell_quote(const std::string &text);

  /// The last @p max_lines lines of the file @p file_name (empty when it
  /// cannot be read), each indented by four spaces.
  std::string
  file_tail(const std::string &file_name, const unsigned int max_lines);
} // namespace kwfp

#endif
