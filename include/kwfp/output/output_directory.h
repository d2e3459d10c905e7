#ifndef kwfp_output_output_directory_h
#define kwfp_output_output_directory_h

#include <mpi.h>

#include <string>

namespace kwfp
{
  /**
   * Create @p directory if missing and write @p parameters_text into
   * `parameters.prm` there (rank 0, through a temporary file). Collective:
   * every rank throws InputError naming 'Output/Directory' if it failed.
   */
  void
  prepare_output_directory(const std::string &directory,
                           const std::string &parameters_text,
                           const MPI_Comm     communicator);
} // namespace kwfp

#endif
