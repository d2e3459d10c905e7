#ifndef kwfp_mcmc_metropolis_parameters_h
#define kwfp_mcmc_metropolis_parameters_h

#include <kwfp/mcmc/random_walk_metropolis.h>

#include <deal.II/base/parameter_handler.h>

#include <string>

namespace kwfp
{
  /// The parameters of subsection 'Metropolis': the random-walk Metropolis
  /// chain, whose start and proposal covariance may be 'initial' (taken from
  /// the initial density by run_metropolis()), declared and parsed by the
  /// mcmc module.
  struct MetropolisParameters : MetropolisSettings
  {
    bool proposal_from_initial = true; ///< proposal covariance from rho_0
    bool start_from_initial    = true; ///< chain starts at rho_0's mean

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read them from the current subsection of @p prm for dimension @p d;
    /// a bad value is an InputError naming @p path followed by the entry.
    /// 'initial' for a chain that runs is an error unless
    /// @p initial_moments (the initial density has a mean and covariance).
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              d,
                     const bool                      initial_moments,
                     const std::string              &path = "Metropolis/");
  };
} // namespace kwfp

#endif
