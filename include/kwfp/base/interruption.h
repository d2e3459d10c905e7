#ifndef kwfp_base_interruption_h
#define kwfp_base_interruption_h

#include <mpi.h>

namespace kwfp
{
  /**
   * @brief SIGINT and SIGTERM as a request to stop cleanly.
   *
   * The handlers only record the signal; the time loops ask
   * interruption_signal() once per step, finish that step, write their
   * outputs as at the final time and return, and the application exits with
   * ExitCode::interrupted.
   */
  void
  install_interruption_handlers();

  /// The signal received by any rank since the start, or 0 (collective on
  /// @p communicator, so that every rank stops at the same step).
  int
  interruption_signal(const MPI_Comm communicator);
} // namespace kwfp

#endif
