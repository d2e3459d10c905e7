#ifndef kwfp_app_application_h
#define kwfp_app_application_h

#include <mpi.h>

#include <ostream>
#include <string>
#include <vector>

namespace kwfp
{
  /// Exit codes of kwfp.
  enum ExitCode : int
  {
    success        = 0,
    usage_error    = 1, ///< wrong command line
    input_error    = 2, ///< a parameter that cannot be run (InputError)
    run_failure    = 3, ///< the run broke down (RunFailure)
    internal_error = 4, ///< anything else
    interrupted    = 5  ///< stopped on SIGINT/SIGTERM, outputs complete
  };

  /**
   * @brief The kwfp command line: `kwfp FILE.prm`, `kwfp --help`,
   * `kwfp --print-parameters`. Returns the exit code; errors go to @p err
   * from rank 0 as one line starting with "kwfp: error:".
   */
  int
  run_application(const std::vector<std::string> &arguments,
                  const MPI_Comm                  communicator,
                  std::ostream                   &out,
                  std::ostream                   &err);
} // namespace kwfp

#endif
