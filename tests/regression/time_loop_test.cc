// The time loop of the finite-element solver and the particles: the last
// step at T exactly (fixed steps), the adaptive start, and the step
// controller across mesh transfers.
#include <kwfp/base/time_grid.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// The 1-D Kalman-Wasserstein Gaussian on 32 Q1 cells to T with step dt.
  std::string
  small_1d(const double T, const double dt, const std::string &extra = "")
  {
    std::ostringstream s;
    s.precision(17);
    s << "subsection Mesh\n set Finite element degree = 1\nend\n"
      << "subsection Time stepping\n set Final time = " << T << "\nend\n"
      << extra;
    return gaussian_1d_parameters(5, dt, s.str());
  }

  /// The times of the DataSet entries of a .pvd file.
  std::vector<double>
  pvd_times(const std::string &file)
  {
    std::ifstream       in(file);
    std::string         line;
    std::vector<double> times;
    while (std::getline(in, line))
      {
        const auto at = line.find("timestep=\"");
        if (at != std::string::npos)
          times.push_back(std::stod(line.substr(at + 10)));
      }
    return times;
  }
} // namespace

// Issue 21.1: prm/gaussian_2d.prm with (T, dt) = (0.9, 0.3) and (1,
// 1/49 to 16 digits) ended at t = 0.8999999999999999, without field output
// at the end. The last diagnostics row, the last .pvd entry and the run's
// summary must be at T exactly.
TEST(FinalTime, LastRowAndFieldOutputAreAtTheFinalTime)
{
  for (const auto &[T, dt] :
       std::vector<std::pair<double, double>>{{0.9, 0.3},
                                              {1., 0.02040816326530612}})
    {
      std::ostringstream extra;
      extra.precision(17);
      extra << "subsection Time stepping\n set Final time = " << T
            << "\nend\nsubsection Output\n set Interval = 1000\nend\n";
      const std::string directory =
        run_kwfp(g2_parameters(16, 1, dt, "BDF2", extra.str()));
      const auto rows = read_csv(directory + "/out/diagnostics.csv");
      EXPECT_EQ(rows.at("time").back(), T);
      const auto times = pvd_times(directory + "/out/solution.pvd");
      ASSERT_EQ(times.size(), 2u); // t = 0 and t = T
      EXPECT_EQ(times.back(), T);
      std::filesystem::remove_all(directory);
    }
}

// Many pairs (T, dt) for which k (T / n) rounds below T at k = n: each run
// takes n = ceil(T / dt) steps and its last row is at T exactly, in the
// finite-element solver and in the particles.
TEST(FinalTime, ManyPairsEndAtTheFinalTime)
{
  unsigned int runs = 0;
  for (unsigned int k = 1; k <= 40 && runs < 12; ++k)
    for (unsigned int n = 2; n <= 24 && runs < 12; ++n)
      {
        const double T = 0.1 * k;
        if (n * (T / n) == T)
          continue;
        const double     dt = T / n;
        const RunSummary s  = run_parameters(small_1d(T, dt));
        EXPECT_EQ(s.n_steps, n) << "T = " << T << ", n = " << n;
        EXPECT_EQ(s.history.back().time, T) << "T = " << T << ", n = " << n;
        EXPECT_EQ(s.history.back().step, n);
        ++runs;
      }
  EXPECT_EQ(runs, 12u);

  const std::string particles =
    "set Dimension = 2\n"
    "subsection Potential\n  set Type = quadratic\n"
    "  subsection Quadratic\n    set Minimizer u_0 = 1, -0.5\n"
    "    set Covariance B = 0.5, 0.2; 0.2, 0.8\n  end\nend\n"
    "subsection Initial density\n  set Type = Gaussian\n"
    "  set Mean m_0 = -1.5, 1.5\n"
    "  set Covariance C_0 = 1.0, -0.3; -0.3, 0.6\nend\n"
    "subsection Time stepping\n  set Final time = 0.9\nend\n"
    "subsection Particles\n  set Ensemble size = 50\n"
    "  set Time step = 0.3\nend\n";
  const ParticleResult p = run_particle_parameters(particles);
  EXPECT_EQ(p.summary.n_steps, 3u);
  EXPECT_EQ(p.summary.final_time, 0.9);
}

// Issue 21.4: the adaptive start keeps the given step until the error
// estimate exists (steps 1 to 3), then grows by at most 2 per step.
TEST(AdaptiveTimeStep, FirstThreeStepsKeepTheGivenStep)
{
  const RunSummary s = run_parameters(
    small_1d(0.05,
             1e-5,
             "subsection Time stepping\n set Adaptive time step = true\n"
             " set Error tolerance = 1e-5\nend\n"));
  ASSERT_GT(s.history.size(), 5u);
  for (unsigned int n = 1; n <= 3; ++n)
    EXPECT_EQ(s.history[n].dt, 1e-5) << "step " << n;
  EXPECT_GT(s.history[4].dt, 1e-5); // the estimate lets it grow
  for (std::size_t n = 2; n < s.history.size(); ++n)
    EXPECT_LE(s.history[n].dt, 2 * s.history[n - 1].dt * (1 + 1e-12));
  EXPECT_EQ(s.history.back().time, 0.05);
}

// Issue 21.2: after each mesh adaptation the moments of rho^n, rho^{n-1},
// rho^{n-2} that the step controller differences are those of the
// transferred vectors. With moments of different meshes, the estimate of
// the first step on a new mesh sees the transfer's change of the moments
// and rejects good steps. Measured with the moments of the old meshes: 121
// steps, 7 rejected, dt down to 3.9e-5; with the transferred moments: 102
// steps, none rejected, dt >= 1e-3 (the given first step).
TEST(AdaptiveMesh, NoStepIsRejectedBecauseOfARemesh)
{
  const RunSummary s = run_parameters(
    g2_parameters(1,
                  2,
                  1e-3,
                  "BDF2",
                  "subsection Mesh\n set Global refinements = 3\n"
                  " set Adaptive refinement = true\n"
                  " set Maximum refinement level = 6\n"
                  " set Refinement interval = 5\n"
                  " set Initial refinement cycles = 3\nend\n"
                  "subsection Time stepping\n set Final time = 1\n"
                  " set Adaptive time step = true\n"
                  " set Error tolerance = 1e-5\nend\n"));
  std::cout << s.n_steps << " steps, " << s.n_adaptations << " adaptations, "
            << s.rejected_steps << " rejected (" << s.rejected_after_transfer
            << " right after a transfer)" << std::endl;
  EXPECT_GT(s.n_adaptations, 10u);
  EXPECT_EQ(s.rejected_after_transfer, 0u);
  EXPECT_EQ(s.rejected_steps, 0u);
  EXPECT_GE(s.min_dt, 1e-3);
  EXPECT_EQ(s.history.back().time, 1.);
  for (const auto &row : s.history)
    EXPECT_NEAR(row.mass, 1., 1e-12) << "step " << row.step;
}


// Issue 21.6: the README's first example shows what the solver can do: its
// mean and covariance within 1e-3 of the closed form (Euclidean and
// Frobenius norms) at every step of the run, ending at T = 2. With the
// shipped fixed dt = 0.01 they were 3.7e-3 and 9.1e-3 (BDF2's time error);
// the adaptive steps (tolerance 3e-6) give 5.9e-4 and 3.8e-4 in about 190
// steps. The spatial error of Q2 on 64^2 cells is far below (L1 6e-4).
TEST(ShippedExample, Gaussian2dIsWithin1e3OfTheClosedForm)
{
  std::ifstream      prm(KWFP_PRM_DIR "/gaussian_2d.prm");
  std::ostringstream text;
  text << prm.rdbuf();
  ASSERT_FALSE(text.str().empty());
  const RunSummary s    = run_parameters(text.str());
  double           mean = 0, covariance = 0;
  for (const auto &row : s.history)
    {
      ASSERT_TRUE(row.has_exact);
      mean       = std::max(mean, row.mean_error);
      covariance = std::max(covariance, row.cov_error);
    }
  std::cout << s.n_steps << " steps; largest mean error " << mean
            << ", covariance error " << covariance << std::endl;
  EXPECT_LE(mean, 1e-3);
  EXPECT_LE(covariance, 1e-3);
  EXPECT_EQ(s.history.back().time, 2.);
}


// Solver = both: the particles meet every comparison time of the finite
// elements (advance_to shortens a step to land on it), so with comparison
// times off the particle grid they take more than ceil(T / dt) steps; the
// run must still go on to T and end there exactly (the sum of the steps is
// T), not stop at step ceil(T / dt) and call that T.
TEST(FinalTime, ParticlesBesideTheFiniteElementsReachTheFinalTime)
{
  const std::string directory = run_kwfp(
    "set Solver = both\n" +
    g2_parameters(16,
                  1,
                  0.01,
                  "BDF2",
                  "subsection Time stepping\n set Final time = 0.2\nend\n"
                  "subsection Particles\n  set Method = eks-gradient\n"
                  "  set Ensemble size = 200\n  set Time step = 0.02\n"
                  "  set Output interval = 0\nend\n"
                  "subsection Output\n  set Interval = 3\nend\n"));
  const auto rows = read_csv(directory + "/out/particles.csv");
  std::filesystem::remove_all(directory);
  ASSERT_FALSE(rows.at("time").empty());
  EXPECT_EQ(rows.at("time").back(), 0.2);
  EXPECT_GT(rows.at("step").back(), 10.);
  double sum = 0;
  for (const double dt : rows.at("dt"))
    sum += dt;
  std::cout << rows.at("time").size() << " rows, last step "
            << rows.at("step").back() << ", sum of dt " << sum << std::endl;
  EXPECT_NEAR(sum, 0.2, 1e-12);
}
