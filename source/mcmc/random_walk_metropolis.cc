#include <kwfp/base/errors.h>
#include <kwfp/mcmc/random_walk_metropolis.h>
#include <kwfp/particles/random_stream.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

namespace kwfp
{
  double
  effective_sample_size(const std::vector<double> &chain)
  {
    const std::size_t n = chain.size();
    if (n < 4)
      return static_cast<double>(n);
    double mean = 0;
    for (const double x : chain)
      mean += x;
    mean /= n;
    const auto autocovariance = [&](const std::size_t lag) {
      double s = 0;
      for (std::size_t i = 0; i + lag < n; ++i)
        s += (chain[i] - mean) * (chain[i + lag] - mean);
      return s / n;
    };
    const double c0 = autocovariance(0);
    if (!(c0 > 0))
      return static_cast<double>(n);
    // Gamma_k = c(2k) + c(2k+1), positive and non-increasing.
    double sum  = 0; // sum of Gamma_k
    double last = std::numeric_limits<double>::max();
    for (std::size_t k = 0; 2 * k + 1 < n; ++k)
      {
        double gamma = autocovariance(2 * k) + autocovariance(2 * k + 1);
        if (!(gamma > 0))
          break;
        gamma = std::min(gamma, last);
        last  = gamma;
        sum += gamma;
      }
    // tau_int = -1 + 2 sum_k Gamma_k / c0
    const double tau_int = std::max(1e-12, -1 + 2 * sum / c0);
    return n / tau_int;
  }


  namespace
  {
    /**
     * Mean, covariance (1/(n-1)), about 2000 thinned samples, effective
     * sample sizes and Monte Carlo standard errors of the chain @p kept
     * (one vector of n values per coordinate).
     */
    MetropolisResult
    chain_statistics(const std::vector<std::vector<double>> &kept)
    {
      const unsigned int  d = kept.size();
      const std::uint64_t n = kept.empty() ? 0 : kept[0].size();
      MetropolisResult    r;
      r.n_samples = n;
      r.mean.reinit(d);
      r.covariance.reinit(d, d);
      r.effective_sample_size.reinit(d);
      r.standard_error.reinit(d);
      if (n == 0)
        return r;
      for (unsigned int a = 0; a < d; ++a)
        {
          for (const double x : kept[a])
            r.mean[a] += x;
          r.mean[a] /= n;
        }
      for (std::uint64_t i = 0; i < n; ++i)
        for (unsigned int a = 0; a < d; ++a)
          for (unsigned int b = a; b < d; ++b)
            r.covariance(a, b) +=
              (kept[a][i] - r.mean[a]) * (kept[b][i] - r.mean[b]);
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = a; b < d; ++b)
          r.covariance(b, a) = r.covariance(a, b) /= (n - 1.);
      const std::uint64_t stride = (n + 1999) / 2000;
      for (std::uint64_t i = 0; i < n; i += stride)
        {
          std::vector<double> sample(d);
          for (unsigned int a = 0; a < d; ++a)
            sample[a] = kept[a][i];
          r.thinned_samples.push_back(sample);
        }
      for (unsigned int a = 0; a < d; ++a)
        {
          // A chain that never moved in a coordinate (every proposal
          // rejected, or steps below the round-off of u) has no variance
          // to estimate the error from: sd / sqrt(ESS) would say 0.
          if (n >= 2 && !(r.covariance(a, a) > 0))
            throw RunFailure(
              "the Metropolis chain never moved in coordinate " +
              std::to_string(a + 1) + " over its " + std::to_string(n) +
              " kept samples (every proposal rejected, or proposal steps "
              "below the round-off of u): no estimate of its error; change "
              "'Metropolis/Proposal scale tau' (0 tunes it) or raise "
              "'Metropolis/Samples'");
          r.effective_sample_size[a] = effective_sample_size(kept[a]);
          r.standard_error[a] =
            std::sqrt(r.covariance(a, a) / r.effective_sample_size[a]);
        }
      return r;
    }
  } // namespace


  namespace
  {
    /// @p sum += @p u, @p outer += u u^T.
    void
    add_outer(const DenseVector &u, DenseVector &sum, DenseMatrix &outer)
    {
      for (unsigned int a = 0; a < u.size(); ++a)
        {
          sum[a] += u[a];
          for (unsigned int b = 0; b < u.size(); ++b)
            outer(a, b) += u[a] * u[b];
        }
    }


    /**
     * The covariance of the burn-in samples from their sum @p sum and sum of
     * outer products @p outer over @p count samples; when it is SPD, its
     * Cholesky factor goes into @p L and the result is true (degenerate so
     * far: @p L is kept, false).
     */
    bool
    adapted_factor(const DenseVector  &sum,
                   const DenseMatrix  &outer,
                   const std::uint64_t count,
                   DenseMatrix        &L)
    {
      const unsigned int d = sum.size();
      DenseMatrix        C(d, d);
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = 0; b < d; ++b)
          C(a, b) =
            outer(a, b) / count - sum[a] * sum[b] / (double(count) * count);
      try
        {
          L = cholesky_factor(C);
          return true;
        }
      catch (const std::domain_error &)
        {
          return false;
        }
    }
  } // namespace


  MetropolisResult
  random_walk_metropolis(const Potential          &potential,
                         const MetropolisSettings &s)
  {
    const unsigned int d = potential.dimension();
    DenseVector        u(s.start);
    double             phi = potential.value(dealii::make_array_view(u));
    if (!std::isfinite(phi))
      throw InputError("Metropolis/Start",
                       "Phi_R is not finite at the start point");
    DenseMatrix L       = cholesky_factor(s.proposal_covariance); // of Sigma
    double      log_tau = std::log(s.tau > 0 ? s.tau : 2.38 * 2.38 / d);
    const bool  tune    = !(s.tau > 0);
    DenseVector xi(d), z(d), proposal(d);
    std::vector<std::vector<double>> kept(d);
    for (auto &k : kept)
      k.reserve(s.n_samples);
    // running sums of the burn-in samples (second half) for the adaptation
    DenseVector         burn_sum(d);
    DenseMatrix         burn_outer(d, d);
    std::uint64_t       burn_count = 0, accepted = 0;
    const std::uint64_t total    = s.burn_in + s.n_samples;
    const unsigned int  per_call = s.proposals_per_call > 0 ?
                                     s.proposals_per_call :
                                     (potential.prefers_one_batch() ? 32 : 1);
    // the proposal N(0, tau Sigma) is fixed from step i on
    const auto proposal_is_fixed = [&](const std::uint64_t i) {
      return (!tune && !s.adapt_covariance) || i >= s.burn_in;
    };
    // A proposal from the state @p from with the numbers of @p random (the
    // stream of its step).
    const auto make_proposal =
      [&](const DenseVector &from, RandomStream &random, DenseVector &result) {
        for (unsigned int a = 0; a < d; ++a)
          z[a] = random.normal();
        L.vmult(xi, z); // xi ~ N(0, Sigma); the step is sqrt(tau) xi
        for (unsigned int a = 0; a < d; ++a)
          result[a] = from[a] + std::exp(0.5 * log_tau) * xi[a];
      };
    // Prefetched Phi_R of the proposals of steps [batch_begin, batch_end),
    // made from the current state u (valid until a step accepts).
    std::vector<double> batch_phi;
    std::uint64_t       batch_begin = 0, batch_end = 0;
    MetropolisResult    counts;
    for (std::uint64_t i = 0; i < total; ++i)
      {
        RandomStream random(s.seed, 0, RandomPurpose::metropolis, i);
        make_proposal(u, random, proposal);
        double phi_new;
        if (i >= batch_begin && i < batch_end)
          phi_new = batch_phi[i - batch_begin];
        else if (per_call > 1 && proposal_is_fixed(i))
          {
            batch_begin = i;
            batch_end   = std::min<std::uint64_t>(total, i + per_call);
            DenseMatrix points(batch_end - batch_begin, d);
            DenseVector ahead(d);
            for (std::uint64_t k = batch_begin; k < batch_end; ++k)
              {
                RandomStream stream(s.seed, 0, RandomPurpose::metropolis, k);
                make_proposal(u, stream, ahead);
                for (unsigned int a = 0; a < d; ++a)
                  points(k - batch_begin, a) = ahead[a];
              }
            potential.values(points, batch_phi);
            ++counts.potential_calls;
            counts.evaluated += batch_end - batch_begin;
            phi_new = batch_phi[0];
          }
        else
          {
            phi_new = potential.value(dealii::make_array_view(proposal));
            ++counts.potential_calls;
            ++counts.evaluated;
          }
        const double log_ratio = std::isfinite(phi_new) ?
                                   phi - phi_new :
                                   -std::numeric_limits<double>::infinity();
        const bool   accept    = std::log(random.uniform()) < log_ratio;
        if (accept)
          {
            u         = proposal;
            phi       = phi_new;
            batch_end = 0; // made from the old state
          }
        if (i < s.burn_in)
          {
            if (tune)
              {
                // Robbins-Monro on log tau towards acceptance 0.25
                const double alpha = std::exp(std::min(0., log_ratio));
                log_tau += (alpha - 0.25) / std::pow(i + 1., 0.6);
              }
            // Covariance adaptation over the middle half of the burn-in,
            // leaving the last quarter to tune tau for the final Sigma.
            if (s.adapt_covariance && i >= s.burn_in / 4 &&
                i < 3 * s.burn_in / 4)
              {
                ++burn_count;
                add_outer(u, burn_sum, burn_outer);
                if (burn_count >= 2000 && burn_count % 1000 == 0 &&
                    adapted_factor(burn_sum, burn_outer, burn_count, L) && tune)
                  // tau was tuned for the old Sigma: start again from the
                  // optimal scale for a Gaussian target.
                  log_tau = std::log(2.38 * 2.38 / d);
              }
            continue;
          }
        accepted += accept;
        for (unsigned int a = 0; a < d; ++a)
          kept[a].push_back(u[a]);
      }

    MetropolisResult r = chain_statistics(kept);
    r.potential_calls  = counts.potential_calls;
    r.evaluated        = counts.evaluated;
    r.tau              = std::exp(log_tau);
    r.acceptance_rate  = s.n_samples ? double(accepted) / s.n_samples : 0;
    return r;
  }
} // namespace kwfp
