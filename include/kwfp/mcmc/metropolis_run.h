#ifndef kwfp_mcmc_metropolis_run_h
#define kwfp_mcmc_metropolis_run_h

#include <kwfp/mcmc/metropolis_parameters.h>
#include <kwfp/model/initial_density_parameters.h>
#include <kwfp/output/output_parameters.h>
#include <kwfp/potential/potential_parameters.h>

#include <mpi.h>

#include <ostream>

namespace kwfp
{
  /// What run_metropolis() reads: the chain, Phi_R, the initial density
  /// (for 'initial') and the output directory.
  struct MetropolisRunParameters
  {
    unsigned int             dimension = 2;   ///< d
    MetropolisParameters     metropolis;      ///< 'Metropolis'
    PotentialParameters      potential;       ///< 'Potential'
    InitialDensityParameters initial_density; ///< 'Initial density'
    OutputParameters         output;          ///< 'Output'
  };

  /**
   * Run the chain of subsection 'Metropolis' (start and proposal
   * covariance 'initial' taken from the initial density), print a summary
   * and write metropolis.csv (rank 0, atomically) with the columns
   * `samples,burn_in,tau,acceptance_rate,mean_1..,cov_1_1..,se_mean_1..,
   * ess_1..`, and metropolis_samples.csv with at most 2000 samples evenly
   * spaced along the chain (`u_1,..`). Every rank computes the same chain.
   */
  MetropolisResult
  run_metropolis(const MetropolisRunParameters &parameters,
                 const MPI_Comm                 communicator,
                 std::ostream                  &console);

  /**
   * Before any run writes: InputError naming 'Metropolis/Start' when a
   * chain is asked for ('Samples' > 0) and Phi_R is not finite at its start
   * point (random_walk_metropolis() would stop there only after the other
   * solvers had written their output). Not for an external forward model,
   * whose one command call would be spent only on the check; its chain
   * still stops at a bad start.
   */
  void
  check_metropolis_start(const MetropolisRunParameters &parameters);
} // namespace kwfp

#endif
