// Random-walk Metropolis (the gold standard of Section 5.2) against closed
// forms, with tolerances from its own Monte Carlo error.

#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/mcmc/random_walk_metropolis.h>
#include <kwfp/particles/random_stream.h>
#include <kwfp/potential/potential_factory.h>
#include <kwfp/potential/quadratic_potential.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

// An AR(1) chain x_{i+1} = phi x_i + sqrt(1 - phi^2) e_i has integrated
// autocorrelation time (1 + phi)/(1 - phi) = 19 for phi = 0.9: ESS = n/19.
// The estimator's relative error is about sqrt(2 (2M + 1)/n) with a window
// M of a few tau_int (here ~0.06 for M ~ 100); 15 % is 2.5 of those.
TEST(Metropolis, EffectiveSampleSizeOfAr1)
{
  const std::size_t   n   = 100000;
  const double        phi = 0.9;
  std::vector<double> x(n);
  RandomStream        random(7, 0, RandomPurpose::metropolis, 0);
  x[0] = random.normal();
  for (std::size_t i = 1; i < n; ++i)
    x[i] = phi * x[i - 1] + std::sqrt(1 - phi * phi) * random.normal();
  const double ess = effective_sample_size(x);
  std::printf("AR(1), phi = 0.9: ESS %.0f, exact %.0f\n", ess, n / 19.);
  EXPECT_NEAR(ess, n / 19., 0.15 * n / 19.);
}

// A correlated 2-D Gaussian posterior N(u_0, B): the chain's mean within 4
// of its standard errors, variances within 4 sqrt(2/ESS) relative (the
// standard error of a variance estimate), the tuned acceptance near 0.25.
TEST(Metropolis, GaussianTargetMomentsWithinMonteCarloError)
{
  const DenseVector        u_0 = to_dense_vector({1, -0.5});
  const DenseMatrix        B   = parse_matrix("0.5, 0.45; 0.45, 0.5", "B");
  const QuadraticPotential potential(u_0, B);
  MetropolisSettings       s;
  s.n_samples              = 100000;
  s.burn_in                = 20000;
  s.start                  = to_dense_vector({-3, 3});
  s.proposal_covariance    = parse_matrix("4, 0; 0, 4", "Sigma");
  s.seed                   = 3;
  const MetropolisResult r = random_walk_metropolis(potential, s);
  std::printf("RWMH: acceptance %.3f, tau %.3f, mean (%.4f, %.4f) +- (%.4f, "
              "%.4f), ESS (%.0f, %.0f)\n",
              r.acceptance_rate,
              r.tau,
              r.mean[0],
              r.mean[1],
              r.standard_error[0],
              r.standard_error[1],
              r.effective_sample_size[0],
              r.effective_sample_size[1]);
  for (unsigned int a = 0; a < 2; ++a)
    {
      EXPECT_NEAR(r.mean[a], u_0[a], 4 * r.standard_error[a]);
      EXPECT_NEAR(r.covariance(a, a),
                  B(a, a),
                  4 * std::sqrt(2 / r.effective_sample_size[a]) * B(a, a));
    }
  // the correlation 0.9 the target was chosen for: the sample C_12 of n
  // independent draws has variance (B_11 B_22 + B_12^2) / n; for the chain
  // n is taken as the smaller ESS of the coordinates (as for the variances,
  // whose chains of u_a^2 are taken to mix as u_a does)
  const double ess =
    std::min(r.effective_sample_size[0], r.effective_sample_size[1]);
  const double se_12 = std::sqrt((B(0, 0) * B(1, 1) + B(0, 1) * B(0, 1)) / ess);
  std::printf("C_12 %.4f (B_12 %.4f, SE %.4f)\n",
              r.covariance(0, 1),
              B(0, 1),
              se_12);
  EXPECT_NEAR(r.covariance(0, 1), B(0, 1), 4 * se_12);
  EXPECT_GT(r.acceptance_rate, 0.18);
  EXPECT_LT(r.acceptance_rate, 0.32);
}

// A chain that never moves (steps of tau = 1e-300 are below the round-off
// of u, so every proposal is accepted and u stays put) has no variance to
// estimate its error from: a RunFailure, not a standard error of 0.
TEST(Metropolis, AChainThatNeverMovesIsARunFailure)
{
  const DenseVector        u_0 = to_dense_vector({1, -0.5});
  const DenseMatrix        B   = parse_matrix("0.5, 0; 0, 0.5", "B");
  const QuadraticPotential potential(u_0, B);
  MetropolisSettings       s;
  s.n_samples           = 100;
  s.burn_in             = 10;
  s.tau                 = 1e-300;
  s.adapt_covariance    = false;
  s.start               = to_dense_vector({-1.5, 1.5});
  s.proposal_covariance = parse_matrix("1, 0; 0, 1", "Sigma");
  EXPECT_THROW(random_walk_metropolis(potential, s), RunFailure);
  s.tau = 1; // the same chain with steps that move
  EXPECT_NO_THROW(random_walk_metropolis(potential, s));
}


// Prefetching ('Proposals per call'): the proposals of B steps made from
// the current state and evaluated in one batch give the same chain as one
// at a time (every step draws from its own stream), bit for bit, on a
// non-Gaussian target (the banana of doc/gaussian_closure.md) with the
// proposal tuned and adapted during the burn-in (no prefetching there) and
// fixed after it. The calls after the burn-in fall to about the
// acceptance rate per step.
TEST(Metropolis, PrefetchedProposalsGiveTheSameChain)
{
  PotentialParameters p;
  p.type                       = PotentialType::expression;
  p.expression                 = "x^2/2 + (y - x^2/2)^2";
  p.gradient                   = "x - 2 * x * (y - x^2/2); 2 * (y - x^2/2)";
  const auto         potential = create_potential(p, 2);
  MetropolisSettings s;
  s.n_samples                    = 20000;
  s.burn_in                      = 5000;
  s.start                        = to_dense_vector({0.5, 0.5});
  s.proposal_covariance          = parse_matrix("1, 0; 0, 1", "Sigma");
  s.seed                         = 11;
  s.proposals_per_call           = 1;
  const MetropolisResult one     = random_walk_metropolis(*potential, s);
  s.proposals_per_call           = 16;
  const MetropolisResult batched = random_walk_metropolis(*potential, s);
  std::printf("one at a time: %llu calls; 16 per call: %llu calls for %llu "
              "proposals; acceptance %.3f\n",
              (unsigned long long)one.potential_calls,
              (unsigned long long)batched.potential_calls,
              (unsigned long long)batched.evaluated,
              batched.acceptance_rate);
  for (unsigned int a = 0; a < 2; ++a)
    {
      EXPECT_EQ(one.mean[a], batched.mean[a]);
      for (unsigned int b = 0; b < 2; ++b)
        EXPECT_EQ(one.covariance(a, b), batched.covariance(a, b));
    }
  EXPECT_EQ(one.acceptance_rate, batched.acceptance_rate);
  EXPECT_EQ(one.tau, batched.tau);
  ASSERT_EQ(one.thinned_samples.size(), batched.thinned_samples.size());
  for (std::size_t i = 0; i < one.thinned_samples.size(); ++i)
    EXPECT_EQ(one.thinned_samples[i], batched.thinned_samples[i]) << i;
  EXPECT_EQ(one.potential_calls, s.burn_in + s.n_samples);
  // The burn-in one at a time. After it every batch but the last ends with
  // an acceptance or after 16 rejections, and every acceptance ends one:
  // accepted <= batches <= accepted + n/16 + 1.
  const auto accepted = static_cast<std::uint64_t>(
    std::llround(batched.acceptance_rate * s.n_samples));
  const std::uint64_t after_burn_in = batched.potential_calls - s.burn_in;
  EXPECT_GE(after_burn_in, accepted);
  EXPECT_LE(after_burn_in, accepted + s.n_samples / 16 + 1);
  EXPECT_GT(batched.evaluated, batched.potential_calls);
}

// Bayesian logistic regression (d = 3, 40 observations in
// tests/data/logistic_3d.csv, prior N(0, 10 I)): the gradient-form
// ensemble Kalman sampler with the finite-ensemble correction, whose
// invariant measure is the posterior, against random-walk Metropolis. The
// ensemble mean at T = 15 (the transient, decaying at rate ~0.8, is below
// 1e-4 by then) and the chain's mean agree within 4 combined standard
// errors sqrt(cov_aa / J + se_a^2) (measured: 0.60, 1.40 and 0.93 of them).
TEST(Metropolis, LogisticRegressionParticlesAgreeWithChain)
{
  const std::string text =
    "set Dimension = 3\n"
    "subsection Potential\n  set Type = logistic regression\n"
    "  subsection Logistic regression\n"
    "    set Data file = " KWFP_TEST_DATA_DIR "/logistic_3d.csv\n"
    "    set Prior variance = 10\n  end\nend\n"
    "subsection Initial density\n  set Type = Gaussian\n"
    "  set Mean m_0 = 0, 0, 0\n"
    "  set Covariance C_0 = 1, 0, 0; 0, 1, 0; 0, 0, 1\nend\n"
    "subsection Particles\n  set Method = eks-gradient\n"
    "  set Finite-ensemble correction = true\n"
    "  set Ensemble size = 4000\n  set Time step = 0.01\nend\n"
    "subsection Time stepping\n  set Final time = 15\nend\n";
  const ParticleResult particles = run_particle_parameters(text);
  const auto          &last      = particles.summary.history.back();

  Parameters               parameters;
  dealii::ParameterHandler prm;
  Parameters::declare(prm);
  parameters.read_from_string(prm, text + "set Solver = particles\n");
  const auto potential =
    create_potential(parameters.potential, parameters.dimension);
  MetropolisSettings s;
  s.n_samples              = 200000;
  s.burn_in                = 20000;
  s.start                  = to_dense_vector({0, 0, 0});
  s.proposal_covariance    = identity_matrix(3);
  s.seed                   = 5;
  const MetropolisResult r = random_walk_metropolis(*potential, s);
  for (unsigned int a = 0; a < 3; ++a)
    {
      const double se = std::sqrt(last.covariance(a, a) / 4000 +
                                  r.standard_error[a] * r.standard_error[a]);
      std::printf("u_%u: particles %.4f, Metropolis %.4f, difference %.2f "
                  "standard errors\n",
                  a + 1,
                  last.mean[a],
                  r.mean[a],
                  std::abs(last.mean[a] - r.mean[a]) / se);
      EXPECT_NEAR(last.mean[a], r.mean[a], 4 * se);
    }
}
