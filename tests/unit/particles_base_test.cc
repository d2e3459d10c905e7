// The building blocks of the particle module: random streams, the
// distributed ensemble and its block sums, the initial ensemble.

#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/particles/ensemble.h>
#include <kwfp/particles/initial_ensemble.h>
#include <kwfp/particles/random_stream.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

using namespace kwfp;

// The stream of (seed, particle, purpose, step) is a pure function of them;
// different particles, steps or seeds give different numbers.
TEST(RandomStream, IsAFunctionOfSeedParticleAndStep)
{
  RandomStream a(7, 12, RandomPurpose::dynamics_noise, 3);
  RandomStream b(7, 12, RandomPurpose::dynamics_noise, 3);
  for (int i = 0; i < 9; ++i)
    EXPECT_EQ(a.normal(), b.normal());
  EXPECT_NE(RandomStream(7, 12, RandomPurpose::dynamics_noise, 3).normal(),
            RandomStream(7, 13, RandomPurpose::dynamics_noise, 3).normal());
  EXPECT_NE(RandomStream(7, 12, RandomPurpose::dynamics_noise, 3).normal(),
            RandomStream(7, 12, RandomPurpose::dynamics_noise, 4).normal());
  EXPECT_NE(RandomStream(7, 12, RandomPurpose::dynamics_noise, 3).normal(),
            RandomStream(8, 12, RandomPurpose::dynamics_noise, 3).normal());
  EXPECT_NE(RandomStream(7, 12, RandomPurpose::dynamics_noise, 3).normal(),
            RandomStream(7, 12, RandomPurpose::initial_ensemble, 3).normal());
}

// n = 4e5 normal numbers from many short streams: mean, variance, fourth
// moment and the correlation of consecutive draws within 4 SE (SE of the
// mean 1/sqrt(n), of the variance sqrt(2/n), of E z^4 sqrt(96/n), of
// E z z' 1/sqrt(n)); uniforms: mean 1/2 within 4 sqrt(1/(12 n)).
TEST(RandomStream, NormalAndUniformMoments)
{
  const int n  = 400000;
  double    s1 = 0, s2 = 0, s4 = 0, lag = 0, u = 0;
  for (int j = 0; j < n / 4; ++j)
    {
      RandomStream stream(3, j, RandomPurpose::dynamics_noise, 0);
      double       previous = stream.normal();
      s1 += previous;
      s2 += previous * previous;
      s4 += std::pow(previous, 4);
      for (int k = 1; k < 4; ++k)
        {
          const double z = stream.normal();
          s1 += z;
          s2 += z * z;
          s4 += std::pow(z, 4);
          lag += z * previous;
          previous = z;
        }
      u += RandomStream(3, j, RandomPurpose::initial_ensemble, 0).uniform();
    }
  EXPECT_NEAR(s1 / n, 0, 4 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1, 4 * std::sqrt(2.0 / n));
  EXPECT_NEAR(s4 / n, 3, 4 * std::sqrt(96.0 / n));
  EXPECT_NEAR(lag / (0.75 * n), 0, 4 / std::sqrt(0.75 * n));
  EXPECT_NEAR(u / (n / 4), 0.5, 4 * std::sqrt(1.0 / (12 * n / 4)));
}

// The ziggurat's normal numbers have the standard normal distribution:
// Kolmogorov-Smirnov distance of 1e6 numbers (from 250,000 streams) to
// Phi below 1.95 / sqrt(n) (the 0.1 % critical value), and the frequency
// of the tail beyond the ziggurat's base R = 3.6542 (sampled by a separate
// algorithm) and of the outermost wedges, on both sides and below, within
// 4 binomial standard errors.
TEST(RandomStream, NormalMatchesTheNormalDistribution)
{
  const int           n = 1000000;
  std::vector<double> z;
  z.reserve(n);
  for (int j = 0; j < n / 4; ++j)
    {
      RandomStream stream(7, j, RandomPurpose::dynamics_noise, 3);
      for (int k = 0; k < 4; ++k)
        z.push_back(stream.normal());
    }
  std::sort(z.begin(), z.end());
  const auto Phi = [](const double x) {
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
  };
  double distance = 0;
  for (int k = 0; k < n; ++k)
    distance = std::max({distance,
                         std::abs(Phi(z[k]) - double(k) / n),
                         std::abs(Phi(z[k]) - double(k + 1) / n)});
  EXPECT_LT(distance, 1.95 / std::sqrt(n));
  const auto frequency_beyond = [&](const double a) {
    return double(
             std::count_if(z.begin(),
                           z.end(),
                           [a](const double x) { return std::abs(x) > a; })) /
           n;
  };
  for (const double a : {3.6541528853610088, 3.0, 2.5})
    {
      const double p = 2 * Phi(-a);
      EXPECT_NEAR(frequency_beyond(a), p, 4 * std::sqrt(p * (1 - p) / n))
        << "|z| > " << a;
      const double below =
        double(std::count_if(z.begin(),
                             z.end(),
                             [a](const double x) { return x < -a; })) /
        n;
      EXPECT_NEAR(below, p / 2, 4 * std::sqrt(p / 2 * (1 - p / 2) / n))
        << "z < -" << a;
    }
}


namespace
{
  void
  check_moments_gather_and_remove(const unsigned int d)
  {
    const unsigned int J = 1300; // blocks of 512, 512, 276
    Ensemble           ensemble(d, J, MPI_COMM_WORLD);
    for (ParticleBlock &block : ensemble.blocks())
      for (unsigned int j = 0; j < block.size(); ++j)
        for (unsigned int i = 0; i < d; ++i)
          block.positions(j, i) = std::sin(0.1 * block.index[j] * (i + 1)) + i;
    const EnsembleMoments m = ensemble.moments();
    EXPECT_EQ(m.n_particles, J);
    const DenseMatrix U = ensemble.gather();
    ASSERT_EQ(U.m(), J);
    for (unsigned int i = 0; i < d; ++i)
      {
        double mean = 0;
        for (unsigned int j = 0; j < J; ++j)
          {
            EXPECT_EQ(U(j, i), std::sin(0.1 * j * (i + 1)) + i);
            mean += U(j, i) / J;
          }
        EXPECT_NEAR(m.mean[i], mean, 1e-14 * (1 + std::abs(mean)));
        for (unsigned int k = 0; k < d; ++k)
          {
            double c = 0;
            for (unsigned int j = 0; j < J; ++j)
              c += (U(j, i) - m.mean[i]) * (U(j, k) - m.mean[k]) / J;
            EXPECT_NEAR(m.covariance(i, k), c, 1e-14);
          }
      }
    // remove particles 0 and 600 (if this rank owns them)
    std::vector<std::pair<unsigned int, unsigned int>> rows;
    for (unsigned int b = 0; b < ensemble.blocks().size(); ++b)
      for (unsigned int j = 0; j < ensemble.blocks()[b].size(); ++j)
        if (ensemble.blocks()[b].index[j] == 0 ||
            ensemble.blocks()[b].index[j] == 600)
          rows.emplace_back(b, j);
    ensemble.remove(rows);
    EXPECT_EQ(ensemble.moments().n_particles, J - 2);
    const auto indices = ensemble.gather_indices();
    ASSERT_EQ(indices.size(), J - 2);
    EXPECT_EQ(indices[0], 1u);
    EXPECT_EQ(indices[599], 601u);
  }
} // namespace


// Block sums, moments against a direct computation, gather and removal;
// d = 3 and d = 20 take the two forms of the covariance sum.
TEST(Ensemble, MomentsGatherAndRemove)
{
  static_assert(Ensemble::max_direct_dimension >= 3 &&
                Ensemble::max_direct_dimension < 20);
  for (const unsigned int d : {3u, 20u})
    {
      SCOPED_TRACE("d = " + std::to_string(d));
      check_moments_gather_and_remove(d);
    }
}

namespace
{
  Parameters
  parse(const std::string &text)
  {
    dealii::ParameterHandler prm;
    Parameters::declare(prm);
    Parameters parameters;
    parameters.read_from_string(prm, text);
    return parameters;
  }
} // namespace

// The paper's N(0,1) x U(90,110) and a Gaussian: sample moments within 4 SE
// (J = 20000: SE of a mean sigma/sqrt(J), of a variance sigma^2 sqrt(2/J)
// for the normal and sigma^2 sqrt(0.8/J) for the uniform, whose kurtosis
// is 1.8).
TEST(InitialEnsemble, ProductAndGaussianMoments)
{
  const double J = 20000;
  {
    const Parameters p = parse(
      "set Solver = particles\nsubsection Initial density\n"
      "  set Type = product\n"
      "  set Coordinate distributions = normal(0, 1); uniform(90, 110)\nend\n"
      "subsection Particles\n  set Ensemble size = 20000\nend\n");
    Ensemble ensemble(2, J, MPI_COMM_WORLD);
    draw_initial_ensemble(p.initial_density, p.particles, ensemble);
    const EnsembleMoments m = ensemble.moments();
    EXPECT_NEAR(m.mean[0], 0, 4 / std::sqrt(J));
    EXPECT_NEAR(m.mean[1], 100, 4 * std::sqrt(400.0 / 12 / J));
    EXPECT_NEAR(m.covariance(0, 0), 1, 4 * std::sqrt(2 / J));
    const double var_u = 400.0 / 12;
    EXPECT_NEAR(m.covariance(1, 1), var_u, 4 * var_u * std::sqrt(0.8 / J));
    EXPECT_NEAR(m.covariance(0, 1), 0, 4 * std::sqrt(var_u / J));
    for (const ParticleBlock &block : ensemble.blocks())
      for (unsigned int j = 0; j < block.size(); ++j)
        {
          EXPECT_GE(block.positions(j, 1), 90);
          EXPECT_LE(block.positions(j, 1), 110);
        }
  }
  {
    const Parameters p =
      parse("set Solver = particles\nsubsection Initial density\n"
            "  set Mean m_0 = 1, 2\n  set Covariance C_0 = 2, 0.6; 0.6, 1\n"
            "end\nsubsection Particles\n  set Ensemble size = 20000\nend\n");
    Ensemble ensemble(2, J, MPI_COMM_WORLD);
    draw_initial_ensemble(p.initial_density, p.particles, ensemble);
    const EnsembleMoments m = ensemble.moments();
    EXPECT_NEAR(m.mean[0], 1, 4 * std::sqrt(2 / J));
    EXPECT_NEAR(m.mean[1], 2, 4 * std::sqrt(1 / J));
    EXPECT_NEAR(m.covariance(0, 0), 2, 4 * 2 * std::sqrt(2 / J));
    EXPECT_NEAR(m.covariance(1, 1), 1, 4 * std::sqrt(2 / J));
    EXPECT_NEAR(m.covariance(0, 1), 0.6, 4 * std::sqrt((2 + 0.36) / J));
  }
}

TEST(InitialEnsemble, ReadsACsvFileWithHeader)
{
  const std::string name = "/tmp/kwfp_ensemble_test.csv";
  {
    std::ofstream f(name);
    f << "u_1,u_2\n1.5,-2\n\n3, 4e-1\n";
  }
  const DenseMatrix U = read_ensemble_csv(name, 2);
  ASSERT_EQ(U.m(), 2u);
  EXPECT_EQ(U(0, 0), 1.5);
  EXPECT_EQ(U(0, 1), -2);
  EXPECT_EQ(U(1, 0), 3);
  EXPECT_EQ(U(1, 1), 0.4);
  try
    {
      read_ensemble_csv(name, 3);
      FAIL() << "a file with 2 columns was read as 3";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos)
        << e.what();
    }
  std::remove(name.c_str());
}

TEST(ParticleParameters, ParsedAndChecked)
{
  const Parameters p =
    parse("set Solver = both\nsubsection Particles\n"
          "  set Method = langevin\n  set Ensemble size = 50\n"
          "  set Finite-ensemble correction = true\n"
          "  set Noise square root = Cholesky\n"
          "  set Time integrator = split-step\n  set Seed = 17\n"
          "  set On forward failure = drop\nend\n");
  EXPECT_TRUE(p.run_finite_element);
  EXPECT_TRUE(p.run_particles);
  EXPECT_EQ(p.particles.settings.method, ParticleMethod::langevin);
  EXPECT_EQ(p.particles.ensemble_size, 50u);
  EXPECT_TRUE(p.particles.settings.finite_ensemble_correction);
  EXPECT_EQ(p.particles.settings.noise, NoiseSquareRoot::cholesky);
  EXPECT_TRUE(p.particles.settings.split_step);
  EXPECT_EQ(p.particles.settings.seed, 17u);
  EXPECT_TRUE(p.particles.drop_failed);
  // d > 3 only for the particles
  EXPECT_THROW(parse("set Dimension = 4\n"), InputError);
  const Parameters high = parse(
    "set Solver = particles\nset Dimension = 4\n"
    "subsection Potential\n  subsection Quadratic\n"
    "    set Minimizer u_0 = 0, 0, 0, 0\n"
    "    set Covariance B = 1,0,0,0; 0,1,0,0; 0,0,1,0; 0,0,0,1\n  end\nend\n"
    "subsection Initial density\n  set Mean m_0 = 1, 1, 1, 1\n"
    "  set Covariance C_0 = 1,0,0,0; 0,1,0,0; 0,0,1,0; 0,0,0,1\nend\n");
  EXPECT_EQ(high.dimension, 4u);
  EXPECT_FALSE(high.run_finite_element);
}
