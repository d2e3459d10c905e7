#ifndef kwfp_base_launch_environment_h
#define kwfp_base_launch_environment_h

/**
 * @file
 * @brief The environment the process was started with, kept for the
 * commands it starts (run_command(): external forward models).
 *
 * MPI_Init adds variables of its own to the environment (Open MPI 4:
 * OMPI_MCA_ess, OMPI_MCA_pmix and PMIx's, which make the singleton's
 * runtime look like a job's), and SingletonMpiStart sets two before it. A
 * command that inherited them and is itself an MPI program (a forward
 * model that calls mpirun) fails. A command gets the environment as
 * recorded here instead, before any of this; the process's own
 * environment is not changed after MPI_Init (whose threads may read it).
 */

namespace kwfp
{
  /// Record the environment as it is now: once, first in main(), before
  /// SingletonMpiStart and MPI_Init (not while a command is started).
  void
  record_launch_environment();

  /// The recorded environment, null-terminated as posix_spawn() takes it;
  /// the current one (environ) if none was recorded.
  char *const *
  launch_environment();
} // namespace kwfp

#endif
