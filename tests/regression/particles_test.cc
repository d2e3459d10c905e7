// The particle systems against the Gaussian closed forms of linear problems.
//
// Monte Carlo error. The ensemble moments x = (mean, upper triangle of C)
// fluctuate around the mean field for two reasons:
// (a) the initial ensemble is J independent draws from N(m_0, C_0), so its
//     moments have covariance S_0: Cov(mean) = C_0 / J and
//     Cov(C_ik, C_jl) = (C_ij C_kl + C_il C_kj) / J, mean and C independent;
//     these fluctuations are carried along by the moment ODE (4.11), so at
//     time t they have covariance D(t) S_0 D(t)^T, D(t) the derivative of
//     the closed-form moments at t with respect to the initial ones (central
//     differences of the closed form);
// (b) the noise adds fluctuations whose covariance grows from zero to that
//     of J independent draws from the posterior at equilibrium (with ALDI
//     the product of posteriors is invariant); we count it as the i.i.d.
//     covariance of N(m(t), C(t)): C_ii / J for the mean and
//     (C_ii C_kk + C_ik^2) / J for C_ik.
// The standard error (SE) of each moment is the square root of the sum
// for the interacting (Kalman) systems. Without interaction (P = I,
// Langevin) the particles stay independent, each distributed as
// N(m(t), C(t)) of the mean field, so (b) alone is their exact covariance
// and (a) is not added (it is already in C(t)).
// We allow 4 SE, plus the Euler-Maruyama error of the mean field, which is
// computed exactly by iterating the mean-field recursion of the scheme
//   m+ = m - dt P B^{-1} (m - u_0),
//   C+ = (I - dt P B^{-1}) C (I - dt B^{-1} P) + 2 dt P   (P = C or I)
// and comparing it with the closed form, plus C/J for the 1/J normalization.

#include <kwfp/gaussian/closed_form.h>

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  std::string
  matrix_text(const DenseMatrix &A)
  {
    std::ostringstream s;
    s.precision(17);
    for (unsigned int i = 0; i < A.m(); ++i)
      for (unsigned int j = 0; j < A.n(); ++j)
        s << A(i, j) << (j + 1 < A.n() ? ", " : (i + 1 < A.m() ? "; " : ""));
    return s.str();
  }

  std::string
  vector_text(const DenseVector &v)
  {
    std::ostringstream s;
    s.precision(17);
    for (unsigned int i = 0; i < v.size(); ++i)
      s << v[i] << (i + 1 < v.size() ? ", " : "");
    return s.str();
  }

  /// The Euler-Maruyama mean field N(m_n, C_n) of the particle system for
  /// Phi_R = 1/2 |u - u_0|^2_B, P = C (Kalman) or I, after each step.
  std::vector<Gaussian>
  euler_maruyama_mean_field(const Gaussian &initial,
                            const Gaussian &posterior,
                            const double    dt,
                            const unsigned  n_steps,
                            const bool      kalman)
  {
    const unsigned int    d     = initial.mean().size();
    const DenseMatrix     B_inv = spd_inverse(posterior.covariance());
    DenseVector           m     = initial.mean();
    DenseMatrix           C     = initial.covariance();
    std::vector<Gaussian> states{initial};
    for (unsigned int n = 0; n < n_steps; ++n)
      {
        const DenseMatrix P = kalman ? C : identity_matrix(d);
        DenseMatrix       PB(d, d), M = identity_matrix(d), MC(d, d), Cn(d, d);
        P.mmult(PB, B_inv);
        M.add(-dt, PB);
        DenseVector deviation(m), drift(d);
        deviation -= posterior.mean();
        PB.vmult(drift, deviation);
        m.add(-dt, drift);
        M.mmult(MC, C);
        MC.mTmult(Cn, M);
        Cn.add(2 * dt, P);
        C = Cn;
        // symmetrize the round-off
        for (unsigned int i = 0; i < d; ++i)
          for (unsigned int k = 0; k < i; ++k)
            C(i, k) = C(k, i) = 0.5 * (C(i, k) + C(k, i));
        states.emplace_back(m, C);
      }
    return states;
  }

  /// The moments (mean, upper triangle of C) as one vector.
  std::vector<double>
  moment_vector(const Gaussian &g)
  {
    const unsigned int  d = g.mean().size();
    std::vector<double> x(g.mean().begin(), g.mean().end());
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int k = i; k < d; ++k)
        x.push_back(g.covariance()(i, k));
    return x;
  }

  Gaussian
  from_moment_vector(const std::vector<double> &x, const unsigned int d)
  {
    DenseVector m(d);
    DenseMatrix C(d, d);
    for (unsigned int i = 0; i < d; ++i)
      m[i] = x[i];
    unsigned int n = d;
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int k = i; k < d; ++k)
        C(i, k) = C(k, i) = x[n++];
    return Gaussian(m, C);
  }

  /**
   * The variances (a) + (b) of the moment vector at each of @p times, for
   * J particles started from @p initial.
   */
  std::vector<std::vector<double>>
  moment_variances(const Gaussian            &initial,
                   const Gaussian            &posterior,
                   const bool                 kalman,
                   const std::vector<double> &times,
                   const double               J)
  {
    const unsigned int d    = initial.mean().size();
    const auto         type = kalman ? DiffusionMatrixType::kalman_wasserstein :
                                       DiffusionMatrixType::wasserstein;
    const std::vector<double> x0 = moment_vector(initial);
    const unsigned int        n  = x0.size();
    // S_0, the covariance of the initial sample moments
    const DenseMatrix &C0 = initial.covariance();
    DenseMatrix        S0(n, n);
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int k = 0; k < d; ++k)
        S0(i, k) = C0(i, k) / J;
    std::vector<std::pair<unsigned, unsigned>> pairs;
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int k = i; k < d; ++k)
        pairs.emplace_back(i, k);
    for (unsigned int a = 0; a < pairs.size(); ++a)
      for (unsigned int b = 0; b < pairs.size(); ++b)
        {
          const auto [i, k] = pairs[a];
          const auto [j, l] = pairs[b];
          S0(d + a, d + b)  = (C0(i, j) * C0(k, l) + C0(i, l) * C0(k, j)) / J;
        }
    // D(t) by central differences of the closed form
    std::vector<DenseMatrix> D(times.size(), DenseMatrix(n, n));
    for (unsigned int c = 0; c < n; ++c)
      {
        const double        h = 1e-5;
        std::vector<double> plus(x0), minus(x0);
        plus[c] += h;
        minus[c] -= h;
        GaussianClosedForm fp(from_moment_vector(plus, d), posterior, type);
        GaussianClosedForm fm(from_moment_vector(minus, d), posterior, type);
        for (unsigned int t = 0; t < times.size(); ++t)
          {
            const auto xp = moment_vector(fp.at(times[t]));
            const auto xm = moment_vector(fm.at(times[t]));
            for (unsigned int r = 0; r < n; ++r)
              D[t](r, c) = (xp[r] - xm[r]) / (2 * h);
          }
      }
    GaussianClosedForm               closed(initial, posterior, type);
    std::vector<std::vector<double>> variances;
    for (unsigned int t = 0; t < times.size(); ++t)
      {
        DenseMatrix DS(n, n), DSD(n, n);
        D[t].mmult(DS, S0);
        DS.mTmult(DSD, D[t]);
        const Gaussian      g = closed.at(times[t]);
        const auto         &C = g.covariance();
        std::vector<double> v(n);
        // (a) only where the particles interact (see the top of the file)
        const double a_term = kalman ? 1. : 0.;
        for (unsigned int i = 0; i < d; ++i)
          v[i] = a_term * DSD(i, i) + C(i, i) / J;
        for (unsigned int a = 0; a < pairs.size(); ++a)
          {
            const auto [i, k] = pairs[a];
            v[d + a]          = a_term * DSD(d + a, d + a) +
                       (C(i, i) * C(k, k) + C(i, k) * C(i, k)) / J;
          }
        variances.push_back(v);
      }
    return variances;
  }

  /**
   * Check the rows of @p result at the times in @p check_steps against the
   * closed form, within 4 SE + the Euler-Maruyama mean-field error + C/J.
   */
  void
  expect_matches_closed_form(const ParticleRunSummary &summary,
                             const Gaussian           &initial,
                             const Gaussian           &posterior,
                             const double              dt,
                             const bool                kalman,
                             const std::uint64_t       J)
  {
    const unsigned int d       = initial.mean().size();
    const auto         n_steps = summary.history.back().step;
    const auto         discrete =
      euler_maruyama_mean_field(initial, posterior, dt, n_steps, kalman);
    GaussianClosedForm  closed(initial,
                              posterior,
                              kalman ? DiffusionMatrixType::kalman_wasserstein :
                                        DiffusionMatrixType::wasserstein);
    std::vector<double> times;
    for (const ParticlesRow &row : summary.history)
      times.push_back(row.time);
    const auto variances =
      moment_variances(initial, posterior, kalman, times, J);
    double worst = 0; // largest error in units of the tolerance
    for (unsigned int r = 0; r < summary.history.size(); ++r)
      {
        const ParticlesRow &row   = summary.history[r];
        const Gaussian      exact = closed.at(row.time);
        const Gaussian     &em    = discrete[row.step];
        const auto         &m     = exact.mean();
        const auto         &C     = exact.covariance();
        unsigned int        a     = d; // index of cov_ik in the variances
        for (unsigned int i = 0; i < d; ++i)
          {
            const double se  = std::sqrt(variances[r][i]);
            const double tol = 4 * se + std::abs(em.mean()[i] - m[i]);
            EXPECT_LE(std::abs(row.mean[i] - m[i]), tol)
              << "mean_" << i + 1 << " at t = " << row.time;
            worst = std::max(worst, std::abs(row.mean[i] - m[i]) / tol);
            for (unsigned int k = i; k < d; ++k)
              {
                const double se_c  = std::sqrt(variances[r][a++]);
                const double tol_c = 4 * se_c +
                                     std::abs(em.covariance()(i, k) - C(i, k)) +
                                     std::abs(C(i, k)) / J;
                EXPECT_LE(std::abs(row.covariance(i, k) - C(i, k)), tol_c)
                  << "cov_" << i + 1 << "_" << k + 1 << " at t = " << row.time;
                worst =
                  std::max(worst,
                           std::abs(row.covariance(i, k) - C(i, k)) / tol_c);
              }
          }
      }
    std::cout << "largest error / tolerance: " << worst << std::endl;
  }

  const char *g2_problem = R"(
set Dimension = 2
subsection Potential
  set Type = quadratic
  subsection Quadratic
    set Minimizer u_0 = 1, -0.5
    set Covariance B = 0.5, 0.2; 0.2, 0.8
  end
end
subsection Initial density
  set Type = Gaussian
  set Mean m_0 = -1.5, 1.5
  set Covariance C_0 = 1.0, -0.3; -0.3, 0.6
end
)";

  Gaussian
  g2_initial()
  {
    return Gaussian(to_dense_vector({-1.5, 1.5}),
                    parse_matrix("1.0, -0.3; -0.3, 0.6", "C_0"));
  }

  Gaussian
  g2_posterior()
  {
    return Gaussian(to_dense_vector({1, -0.5}),
                    parse_matrix("0.5, 0.2; 0.2, 0.8", "B"));
  }

  /// A linear inverse problem in d = 10 with K = 12 observations.
  struct LinearProblem10
  {
    unsigned int d = 10, K = 12;
    DenseMatrix  A, Gamma, Gamma_0, C_0;
    DenseVector  y, m_0;

    LinearProblem10()
      : A(K, d)
      , Gamma(K, K)
      , Gamma_0(identity_matrix(d))
      , C_0(d, d)
      , y(K)
      , m_0(d)
    {
      for (unsigned int k = 0; k < K; ++k)
        {
          for (unsigned int i = 0; i < d; ++i)
            A(k, i) = std::cos(1.0 + k * 0.7 + i * 1.3) + (k == i ? 1.0 : 0.0);
          Gamma(k, k) = 0.5;
          y[k]        = std::sin(0.4 * k);
        }
      Gamma_0 *= 4.0;
      for (unsigned int i = 0; i < d; ++i)
        {
          m_0[i] = 0.5 * std::cos(i);
          for (unsigned int j = 0; j < d; ++j)
            C_0(i, j) = (i == j ? 1.0 : 0.0) +
                        0.2 * std::pow(0.5, std::abs(int(i) - int(j)));
        }
    }

    std::string
    parameters(const std::string &forward_model = "linear") const
    {
      std::ostringstream s;
      s << "set Dimension = " << d << "\n"
        << "subsection Potential\n  set Type = inverse problem\n"
        << "  subsection Inverse problem\n"
        << "    set Forward model = " << forward_model << "\n"
        << "    set Forward matrix A = " << matrix_text(A) << "\n"
        << "    set Data y = " << vector_text(y) << "\n"
        << "    set Noise covariance Gamma = " << matrix_text(Gamma) << "\n"
        << "    set Prior covariance Gamma_0 = " << matrix_text(Gamma_0) << "\n"
        << "    set Prior mean = " << vector_text(DenseVector(d)) << "\n"
        << "  end\nend\n"
        << "subsection Initial density\n  set Type = Gaussian\n"
        << "  set Mean m_0 = " << vector_text(m_0) << "\n"
        << "  set Covariance C_0 = " << matrix_text(C_0) << "\nend\n";
      return s.str();
    }

    Gaussian
    posterior() const
    {
      // B = (A^T Gamma^{-1} A + Gamma_0^{-1})^{-1}, u_0 = B A^T Gamma^{-1} y
      DenseMatrix GA(K, d), precision(d, d);
      spd_inverse(Gamma).mmult(GA, A);
      A.Tmmult(precision, GA);
      precision.add(1.0, spd_inverse(Gamma_0));
      const DenseMatrix B = spd_inverse(precision);
      DenseVector       Gy(K), r(d), u_0(d);
      spd_inverse(Gamma).vmult(Gy, y);
      A.Tvmult(r, Gy);
      B.vmult(u_0, r);
      return Gaussian(u_0, B);
    }
  };

  std::string
  particle_settings(const std::string &method,
                    const unsigned     J,
                    const double       dt,
                    const double       T,
                    const std::string &extra = "")
  {
    std::ostringstream s;
    s << "subsection Time stepping\n  set Final time = " << T << "\nend\n"
      << "subsection Particles\n  set Method = " << method
      << "\n  set Ensemble size = " << J << "\n  set Time step = " << dt
      << "\n  set Seed = 12345\n"
      << extra << "end\n";
    return s.str();
  }
} // namespace


// eks-gradient with ALDI on G2 (d = 2), J = 2000: mean and covariance at
// t = 0.5, 1, 1.5, 2 against (4.11).
TEST(ParticlesLinearGaussian, EksGradientAldiMatchesClosedForm2d)
{
  const double dt     = 0.002;
  const auto   result = run_particle_parameters(
    g2_problem + particle_settings("eks-gradient",
                                   2000,
                                   dt,
                                   2,
                                   "  set Finite-ensemble correction = true\n"
                                     "  set Statistics interval = 250\n"));
  ASSERT_EQ(result.summary.history.size(), 5u);
  EXPECT_NEAR(result.summary.history.back().time, 2.0, 1e-14);
  expect_matches_closed_form(
    result.summary, g2_initial(), g2_posterior(), dt, true, 2000);
}


// The same in d = 10 for a linear inverse problem with K = 12 observations.
TEST(ParticlesLinearGaussian, EksGradientAldiMatchesClosedForm10d)
{
  const LinearProblem10 problem;
  const double          dt     = 0.002;
  const auto            result = run_particle_parameters(
    problem.parameters() +
    particle_settings("eks-gradient",
                      2000,
                      dt,
                      2,
                      "  set Finite-ensemble correction = true\n"
                                 "  set Statistics interval = 250\n"));
  expect_matches_closed_form(result.summary,
                             Gaussian(problem.m_0, problem.C_0),
                             problem.posterior(),
                             dt,
                             true,
                             2000);
}


// Without ALDI the mean field is the same; with J = 2000 the finite-ensemble
// bias (of relative size (d + 1) / J = 0.15 %) is far below 4 SE.
TEST(ParticlesLinearGaussian, EksGradientWithoutCorrectionMatches2d)
{
  const double dt     = 0.002;
  const auto   result = run_particle_parameters(
    g2_problem +
    particle_settings(
      "eks-gradient", 2000, dt, 2, "  set Statistics interval = 500\n"));
  expect_matches_closed_form(
    result.summary, g2_initial(), g2_posterior(), dt, true, 2000);
}


// The other noise square roots sample the same law (the ensemble square
// root draws J normal numbers per particle and step, so J is smaller).
TEST(ParticlesLinearGaussian, NoiseSquareRootsMatch2d)
{
  const double dt = 0.002;
  for (const std::string noise : {"Cholesky", "ensemble"})
    {
      const unsigned int J      = noise == "ensemble" ? 500 : 1000;
      const auto         result = run_particle_parameters(
        g2_problem +
        particle_settings("eks-gradient",
                          J,
                          dt,
                          1,
                          "  set Finite-ensemble correction = true\n"
                                  "  set Noise square root = " +
                            noise + "\n  set Statistics interval = 250\n"));
      SCOPED_TRACE(noise);
      expect_matches_closed_form(
        result.summary, g2_initial(), g2_posterior(), dt, true, J);
    }
}


// For linear G, (3.1) and (3.2) are the same system: with the same seed the
// ensembles agree to round-off. The two evaluate the drift in a different
// order (C^{pu} = A C up to round-off), so they differ by a few ulps per
// step; the dynamics contract, so the difference stays near 1e-13.
TEST(ParticlesLinearGaussian, EksEqualsEksGradientForLinearG)
{
  const LinearProblem10 problem;
  const std::string     settings = particle_settings(
    "eks", 500, 0.002, 0.4, "  set Finite-ensemble correction = true\n");
  const auto derivative_free =
    run_particle_parameters(problem.parameters() + settings);
  std::string gradient_settings = settings;
  gradient_settings.replace(gradient_settings.find("Method = eks"),
                            std::string("Method = eks").size(),
                            "Method = eks-gradient");
  const auto gradient =
    run_particle_parameters(problem.parameters() + gradient_settings);
  const DenseMatrix &U = derivative_free.final_ensemble;
  const DenseMatrix &V = gradient.final_ensemble;
  ASSERT_EQ(U.m(), 500u);
  ASSERT_EQ(V.m(), 500u);
  double difference = 0, size = 0;
  for (unsigned int j = 0; j < U.m(); ++j)
    for (unsigned int i = 0; i < U.n(); ++i)
      {
        difference = std::max(difference, std::abs(U(j, i) - V(j, i)));
        size       = std::max(size, std::abs(U(j, i)));
      }
  std::cout << "max |U_eks - U_eks-gradient| = " << difference << std::endl;
  EXPECT_LT(difference, 1e-10 * size);
  EXPECT_GT(size, 0.1);
}


// EKI-opt (no noise) for linear G: every particle moves by the same affine
// map, so C+ = (I - dt C H) C (I - dt H C), H = A^T Gamma^{-1} A, and
//   C_{n+1}^{-1} = C_n^{-1} + 2 dt H + 3 dt^2 H C_n H + O(dt^3):
// C(t)^{-1} grows linearly with slope 2 H (the noise of eki would add
// + C H C and halve the slope to (2.5b)'s H). Over [0, T] the slope is
// 2 H + 3 dt avg(H C H); C decreases, so |slope - 2 H| <= 3 dt |H C_0 H|
// to leading order; we allow 4 dt |H C_0 H|_F.
TEST(ParticlesEki, OptCovarianceCollapsesLinearly)
{
  const LinearProblem10 problem;
  const double          dt = 0.001, T = 1;
  const auto            result = run_particle_parameters(
    problem.parameters() +
    particle_settings(
      "eki-opt", 200, dt, T, "  set Statistics interval = 1000\n"));
  ASSERT_EQ(result.summary.history.size(), 2u);
  const unsigned int d     = problem.d;
  const DenseMatrix  C0    = result.summary.history.front().covariance;
  const DenseMatrix  CT    = result.summary.history.back().covariance;
  DenseMatrix        slope = spd_inverse(CT);
  slope.add(-1.0, spd_inverse(C0));
  slope *= 1.0 / T;
  DenseMatrix GA(problem.K, d), H(d, d), HC(d, d), HCH(d, d);
  spd_inverse(problem.Gamma).mmult(GA, problem.A);
  problem.A.Tmmult(H, GA);
  H.mmult(HC, C0);
  HC.mmult(HCH, H);
  DenseMatrix twice_H(H);
  twice_H *= 2.0;
  const double error = frobenius_distance(slope, twice_H);
  std::cout << "|slope - 2H|_F = " << error
            << ", |2H|_F = " << twice_H.frobenius_norm()
            << ", bound 4 dt |H C0 H|_F = " << 4 * dt * HCH.frobenius_norm()
            << std::endl;
  EXPECT_LT(error, 4 * dt * HCH.frobenius_norm());
  // and it is not the slope H of the noisy flow
  EXPECT_GT(frobenius_distance(slope, H), 0.4 * H.frobenius_norm());

  // The discrete map itself, from the measured C_0: 1000 steps of
  // C <- (I - dt C H) C (I - dt H C) give C_T up to round-off (each step
  // is a product of a few d x d matrices, relative error ~1e-15 times the
  // condition of C; 1e-9 relative allows a condition of 1e3 over 1000
  // steps), so any error in the scheme or its slope shows.
  DenseMatrix C(C0);
  for (long n = 0; n < std::lround(T / dt); ++n)
    {
      DenseMatrix step(d, d), CH(d, d), left(d, d), next(d, d);
      C.mmult(CH, H);
      for (unsigned int i = 0; i < d; ++i)
        for (unsigned int j = 0; j < d; ++j)
          step(i, j) = (i == j ? 1. : 0.) - dt * CH(i, j);
      step.mmult(left, C);
      left.mTmult(next, step);
      C = next;
    }
  const double map_error = frobenius_distance(C, CT) / CT.frobenius_norm();
  std::cout << "|C_T - recursion|_F / |C_T|_F = " << map_error << std::endl;
  EXPECT_LT(map_error, 1e-9);
}


// EKI with perturbed data (2.4), Sigma = Gamma, for linear G: the mean
// field has dC/dt = -C H C (2.5b), so C(t)^{-1} = C_0^{-1} + t H. The
// Euler-Maruyama mean field gives C+ = C - dt C H C + dt^2 C H C H C, whose
// inverse grows by dt H + O(dt^2 |H C H|) per step: a bias of at most
// dt |H C_0 H|_F in the slope. The ensemble covariance has a relative
// standard error of about sqrt(2 / J) in each entry, and so has its inverse;
// the slope (C_T^{-1} - C_0^{-1}) / T then has an error of at most
// 4 sqrt(2 / J) (|C_T^{-1}|_F + |C_0^{-1}|_F) / T at 4 SE. With J = 4000
// that is far below |H|, so the test tells slope H from EKI-opt's 2 H.
TEST(ParticlesEki, PerturbedDataCovarianceFollows25b)
{
  const LinearProblem10 problem;
  const double          dt = 0.001, T = 1, J = 4000;
  const auto            result = run_particle_parameters(
    problem.parameters() +
    particle_settings("eki", J, dt, T, "  set Statistics interval = 1000\n"));
  const unsigned int d = problem.d;
  const DenseMatrix C0 = spd_inverse(result.summary.history.front().covariance);
  const DenseMatrix CT = spd_inverse(result.summary.history.back().covariance);
  DenseMatrix       slope(CT);
  slope.add(-1.0, C0);
  slope *= 1.0 / T;
  DenseMatrix GA(problem.K, d), H(d, d), HC(d, d), HCH(d, d);
  spd_inverse(problem.Gamma).mmult(GA, problem.A);
  problem.A.Tmmult(H, GA);
  H.mmult(HC, result.summary.history.front().covariance);
  HC.mmult(HCH, H);
  const double tolerance =
    dt * HCH.frobenius_norm() +
    4 * std::sqrt(2 / J) * (CT.frobenius_norm() + C0.frobenius_norm()) / T;
  std::cout << "|slope - H|_F = " << frobenius_distance(slope, H)
            << ", tolerance " << tolerance << ", |H|_F = " << H.frobenius_norm()
            << std::endl;
  EXPECT_LT(frobenius_distance(slope, H), tolerance);
  EXPECT_LT(tolerance, 0.5 * H.frobenius_norm());
}


// Langevin (C = I) on G2's potential: the Ornstein-Uhlenbeck process, whose
// law is the closed form with P = I. The particles are independent, so the
// SE are exact.
TEST(ParticlesLangevin, OrnsteinUhlenbeckMatchesClosedForm)
{
  const double dt     = 0.001;
  const auto   result = run_particle_parameters(
    g2_problem +
    particle_settings(
      "langevin", 4000, dt, 1, "  set Statistics interval = 250\n"));
  expect_matches_closed_form(
    result.summary, g2_initial(), g2_posterior(), dt, false, 4000);
}


// The split step (5.4) with the adaptive step, derivative-free, on the
// linear problem: at equilibrium the ensemble samples the posterior within
// Monte Carlo error (ALDI, J = 1000, to T = 8 with
// dt_n = 0.01 / (|D_n|_F + 1e-8)). Near equilibrium C = B, the drift
// contracts at rate 1 (mean) and 2 (covariance), so T = 8 leaves e^{-8} of
// the initial error; |D|_F is about 3 there, so dt_n is about 3e-3 and the
// O(dt) bias of the stationary covariance (dt/2 relative for a unit rate)
// is 0.15 %, below 1/10 of the SE of 4.5 % (sqrt(2/1000)): the SE alone is
// the tolerance.
TEST(ParticlesSplitStep, AdaptiveEksReachesThePosterior)
{
  const LinearProblem10 problem;
  const double          J      = 1000;
  const auto            result = run_particle_parameters(
    problem.parameters() +
    particle_settings("eks",
                      J,
                      0.01,
                      8,
                      "  set Finite-ensemble correction = true\n"
                                 "  set Time integrator = split-step\n"
                                 "  set Adaptive time step = true\n"
                                 "  set Statistics interval = 100000\n"));
  const ParticlesRow &row       = result.summary.history.back();
  const Gaussian      posterior = problem.posterior();
  std::cout << row.step << " adaptive steps to t = " << row.time
            << ", last dt = " << row.dt << ", |D|_F = " << row.d_norm
            << std::endl;
  EXPECT_NEAR(row.time, 8, 1e-12);
  EXPECT_LT(row.dt, 0.005);
  const auto &B = posterior.covariance();
  for (unsigned int i = 0; i < problem.d; ++i)
    {
      EXPECT_NEAR(row.mean[i], posterior.mean()[i], 4 * std::sqrt(B(i, i) / J))
        << i;
      for (unsigned int k = i; k < problem.d; ++k)
        EXPECT_NEAR(row.covariance(i, k),
                    B(i, k),
                    4 * std::sqrt((B(i, i) * B(k, k) + B(i, k) * B(i, k)) / J))
          << i << ", " << k;
    }
}
