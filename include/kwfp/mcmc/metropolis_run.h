#ifndef kwfp_mcmc_metropolis_run_h
#define kwfp_mcmc_metropolis_run_h

#include <kwfp/app/parameters.h>

#include <mpi.h>

#include <ostream>

namespace kwfp
{
  /**
   * Run the chain of subsection 'Metropolis' (start and proposal
   * covariance 'initial' taken from the initial density), print a summary
   * and write metropolis.csv (rank 0, atomically) with the columns
   * `samples,burn_in,tau,acceptance_rate,mean_1..,cov_1_1..,se_mean_1..,
   * ess_1..`, and metropolis_samples.csv with at most 2000 samples evenly
   * spaced along the chain (`u_1,..`). Every rank computes the same chain.
   */
  MetropolisResult
  run_metropolis(const Parameters &parameters,
                 const MPI_Comm    communicator,
                 std::ostream     &console);
} // namespace kwfp

#endif
