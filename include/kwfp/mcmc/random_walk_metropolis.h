#ifndef kwfp_mcmc_random_walk_metropolis_h
#define kwfp_mcmc_random_walk_metropolis_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/potential/potential.h>

#include <cstdint>
#include <vector>

namespace kwfp
{
  /// Settings of random_walk_metropolis() (subsection 'Metropolis').
  struct MetropolisSettings
  {
    /// Samples kept after the burn-in (0: no chain).
    std::uint64_t n_samples = 0;
    /// Steps discarded first; during them the proposal adapts.
    std::uint64_t burn_in = 10000;
    /// Proposal N(0, tau Sigma); tau = 0: tuned during the burn-in for an
    /// acceptance rate of 0.25.
    double tau = 0;
    /// Over the middle half of the burn-in, replace Sigma by the covariance
    /// of the samples of that half so far (every 1000 steps, after the
    /// first 2000); tau is tuned again over the last quarter.
    bool          adapt_covariance = true;
    std::uint64_t seed = 1; ///< seed of the counter-based random stream
    /// Proposals evaluated in one call of Phi_R (one batch) where the
    /// proposal is fixed (after the burn-in, or all along when it does not
    /// adapt); 0: 32 when Phi_R prefers one batch (an external forward
    /// model), else 1. The chain is the same for every value.
    unsigned int proposals_per_call = 0;
    DenseVector  start;               ///< the first state of the chain
    DenseMatrix  proposal_covariance; ///< Sigma of the proposal N(0, tau Sigma)
  };

  /// What the chain gives.
  struct MetropolisResult
  {
    DenseVector mean;       ///< mean of the kept samples
    DenseMatrix covariance; ///< covariance of the kept samples
    /// Effective sample size per coordinate (Geyer's initial monotone
    /// sequence estimator) and the standard error sd / sqrt(ESS) of the
    /// mean.
    DenseVector   effective_sample_size;
    DenseVector   standard_error;      ///< sd / sqrt(ESS) per coordinate
    double        acceptance_rate = 0; ///< after the burn-in
    double        tau             = 0; ///< the scale used after the burn-in
    std::uint64_t n_samples       = 0; ///< samples kept after the burn-in
    /// Calls of Phi_R (batches of proposals) and proposals evaluated in
    /// them (including those a batch evaluated past an acceptance).
    std::uint64_t potential_calls = 0;
    std::uint64_t evaluated       = 0; ///< proposals evaluated
    /// At most 2000 of the kept samples, evenly spaced along the chain
    /// (for plots): thinned_samples[i] is the i-th one.
    std::vector<std::vector<double>> thinned_samples;
  };

  /**
   * @brief Random-walk Metropolis for exp(-Phi_R) (the gold standard of
   * Section 5.2 of Garbuno-Inigo et al. 2020): propose u' = u + xi, xi ~
   * N(0, tau Sigma), accept with probability min(1, exp(Phi_R(u) -
   * Phi_R(u'))); a proposal where Phi_R is not finite is rejected. The
   * adaptation stops at the end of the burn-in, so the kept samples are a
   * Markov chain with exp(-Phi_R) as invariant density. Random numbers come
   * from Philox keyed by the seed and the step: the same on every MPI rank.
   *
   * Prefetching (Brockwell 2006, along the rejection branch): where the
   * proposal distribution is fixed, the proposals of the next B =
   * 'Proposals per call' steps are made from the current state, as if they
   * were all rejected, and Phi_R is evaluated at all of them in one batch;
   * the steps then use them in turn until one is accepted, and the next
   * batch starts from there. Step i draws its own random numbers (stream i)
   * whatever B is, so the chain is the same for every B; an external
   * forward model is called about 1/(acceptance rate) times less often.
   */
  MetropolisResult
  random_walk_metropolis(const Potential          &potential,
                         const MetropolisSettings &settings);

  /**
   * Effective sample size N / tau_int of a scalar chain, tau_int = 1 + 2
   * sum of autocorrelations summed in pairs while the pair sums stay
   * positive and are made monotone (Geyer 1992).
   */
  double
  effective_sample_size(const std::vector<double> &chain);
} // namespace kwfp

#endif
