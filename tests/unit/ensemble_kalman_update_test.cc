// The matrix-product form of the particle updates (EnsembleKalmanUpdate)
// against the formulas of the paper written out particle by particle: the
// J x J matrix D_kj = <G(u_k) - Gbar, G(u_j) - y>_Gamma / J formed
// explicitly, the sums over k, the prior terms, ALDI, the noise from the
// same random streams, Euler-Maruyama and the split step (5.4).

#include <kwfp/base/errors.h>
#include <kwfp/forward_model/expression_forward_model.h>
#include <kwfp/forward_model/linear_forward_model.h>
#include <kwfp/particles/ensemble_kalman_update.h>
#include <kwfp/particles/random_stream.h>
#include <kwfp/potential/inverse_problem_potential.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace kwfp;

namespace
{
  template <std::size_t n>
  dealii::ArrayView<const double>
  view(const std::array<double, n> &a)
  {
    return dealii::ArrayView<const double>(a.data(), n);
  }

  template <std::size_t n>
  dealii::ArrayView<double>
  view(std::array<double, n> &a)
  {
    return dealii::ArrayView<double>(a.data(), n);
  }

  constexpr unsigned int  d = 2, K = 3, J = 7;
  constexpr std::uint64_t seed = 99, step = 3;
  constexpr double        dt = 0.01;

  std::shared_ptr<const InverseProblem>
  nonlinear_problem()
  {
    return std::make_shared<InverseProblem>(
      std::make_shared<ExpressionForwardModel>(
        d, "x + 0.1*y^2; sin(y); x*y", std::map<std::string, double>(), "G"),
      to_dense_vector({0.5, -0.2, 0.3}),
      parse_matrix("0.3, 0.1, 0; 0.1, 0.4, 0; 0, 0, 0.5", "Gamma"),
      parse_matrix("2, 0.5; 0.5, 3", "Gamma_0"),
      to_dense_vector({0.2, -0.1}));
  }

  Ensemble
  test_ensemble()
  {
    Ensemble ensemble(d, J, MPI_COMM_WORLD);
    for (ParticleBlock &block : ensemble.blocks())
      for (unsigned int j = 0; j < block.size(); ++j)
        {
          const double t        = block.index[j];
          block.positions(j, 0) = std::cos(1.3 * t) + 0.1 * t;
          block.positions(j, 1) = std::sin(0.7 * t + 0.4) - 0.05 * t;
        }
    return ensemble;
  }

  using Vector2 = std::array<double, d>;

  /// The update of the paper's formulas, particle by particle.
  std::vector<Vector2>
  reference_update(const std::vector<Vector2>   &u,
                   const InverseProblem         &problem,
                   const Potential              &potential,
                   const ParticleMethodSettings &settings,
                   double                       &D_norm)
  {
    const auto method = settings.method;
    Vector2    ubar{};
    for (const auto &x : u)
      for (unsigned i = 0; i < d; ++i)
        ubar[i] += x[i] / J;
    DenseMatrix C(d, d);
    for (const auto &x : u)
      for (unsigned i = 0; i < d; ++i)
        for (unsigned k = 0; k < d; ++k)
          C(i, k) += (x[i] - ubar[i]) * (x[k] - ubar[k]) / J;
    std::vector<std::array<double, K>> G(J);
    std::array<double, K>              Gbar{};
    for (unsigned j = 0; j < J; ++j)
      {
        problem.forward_model().evaluate(view(u[j]), view(G[j]));
        for (unsigned k = 0; k < K; ++k)
          Gbar[k] += G[j][k] / J;
      }
    const DenseMatrix &Gi = problem.noise_precision();
    DenseMatrix        D(J, J);
    D_norm = 0;
    for (unsigned k = 0; k < J; ++k)
      for (unsigned j = 0; j < J; ++j)
        {
          for (unsigned a = 0; a < K; ++a)
            for (unsigned b = 0; b < K; ++b)
              D(k, j) += (G[k][a] - Gbar[a]) * Gi(a, b) *
                         (G[j][b] - problem.data()[b]) / J;
          D_norm += D(k, j) * D(k, j);
        }
    D_norm = std::sqrt(D_norm);
    // C^{up} = 1/J sum (u - ubar)(G - Gbar)^T
    DenseMatrix Cup(d, K);
    for (unsigned j = 0; j < J; ++j)
      for (unsigned i = 0; i < d; ++i)
        for (unsigned a = 0; a < K; ++a)
          Cup(i, a) += (u[j][i] - ubar[i]) * (G[j][a] - Gbar[a]) / J;
    const DenseMatrix &P0 = problem.prior_precision();
    const DenseVector &m  = problem.prior_mean();
    DenseMatrix        P(d, d); // C Gamma_0^{-1} or Gamma_0^{-1}
    if (method == ParticleMethod::eks)
      C.mmult(P, P0);
    else if (method == ParticleMethod::herty_visconti)
      P = P0;
    const bool        forward = uses_forward_model(method);
    const bool        prior   = has_prior_term(method);
    const DenseMatrix L       = cholesky_factor(C);
    const DenseMatrix LG      = cholesky_factor(spd_inverse(Gi));

    std::vector<Vector2> result(J);
    for (unsigned j = 0; j < J; ++j)
      {
        Vector2 drift{};
        if (forward)
          for (unsigned k = 0; k < J; ++k)
            for (unsigned i = 0; i < d; ++i)
              drift[i] -= D(k, j) * u[k][i];
        else
          {
            Vector2 g;
            potential.gradient(view(u[j]), view(g));
            for (unsigned i = 0; i < d; ++i)
              for (unsigned k = 0; k < d; ++k)
                drift[i] -=
                  (method == ParticleMethod::langevin ? (i == k ? 1.0 : 0.0) :
                                                        C(i, k)) *
                  g[k];
          }
        if (prior && !settings.split_step)
          for (unsigned i = 0; i < d; ++i)
            for (unsigned k = 0; k < d; ++k)
              drift[i] -= P(i, k) * (u[j][k] - m[k]);
        if (settings.finite_ensemble_correction)
          for (unsigned i = 0; i < d; ++i)
            drift[i] += (d + 1.0) / J * (u[j][i] - ubar[i]);
        Vector2 x;
        for (unsigned i = 0; i < d; ++i)
          x[i] = u[j][i] + dt * drift[i];
        if (prior && settings.split_step)
          {
            // (I + dt P) u* = x + dt P m
            DenseMatrix M = identity_matrix(d);
            M.add(dt, P);
            M.gauss_jordan();
            Vector2 rhs = x, y{};
            for (unsigned i = 0; i < d; ++i)
              for (unsigned k = 0; k < d; ++k)
                rhs[i] += dt * P(i, k) * m[k];
            for (unsigned i = 0; i < d; ++i)
              for (unsigned k = 0; k < d; ++k)
                y[i] += M(i, k) * rhs[k];
            x = y;
          }
        RandomStream stream(seed, j, RandomPurpose::dynamics_noise, step);
        Vector2      noise{};
        if (method == ParticleMethod::eks ||
            method == ParticleMethod::eks_gradient)
          {
            if (settings.noise == NoiseSquareRoot::ensemble)
              for (unsigned k = 0; k < J; ++k)
                {
                  const double z = stream.normal();
                  for (unsigned i = 0; i < d; ++i)
                    noise[i] += std::sqrt(2.0 / J) * (u[k][i] - ubar[i]) * z;
                }
            else
              {
                Vector2 z;
                for (auto &zi : z)
                  zi = stream.normal();
                for (unsigned i = 0; i < d; ++i)
                  for (unsigned k = 0; k < d; ++k)
                    noise[i] += std::sqrt(2.0) * L(i, k) * z[k];
              }
          }
        else if (method == ParticleMethod::eki)
          {
            // C^{up} Gamma^{-1} sqrt(Gamma) z, sqrt(Gamma) = its Cholesky
            std::array<double, K> z, w{}, v{};
            for (auto &za : z)
              za = stream.normal();
            for (unsigned a = 0; a < K; ++a)
              for (unsigned b = 0; b < K; ++b)
                w[a] += LG(a, b) * z[b];
            for (unsigned a = 0; a < K; ++a)
              for (unsigned b = 0; b < K; ++b)
                v[a] += Gi(a, b) * w[b];
            for (unsigned i = 0; i < d; ++i)
              for (unsigned a = 0; a < K; ++a)
                noise[i] += Cup(i, a) * v[a];
          }
        else if (method != ParticleMethod::eki_opt)
          for (unsigned i = 0; i < d; ++i)
            noise[i] = std::sqrt(2.0) * stream.normal();
        for (unsigned i = 0; i < d; ++i)
          result[j][i] = x[i] + std::sqrt(dt) * noise[i];
      }
    return result;
  }

  void
  expect_update_matches_reference(const ParticleMethodSettings &settings,
                                  const bool matrix_form_only)
  {
    const auto                    problem = nonlinear_problem();
    const InverseProblemPotential potential(problem);
    Ensemble                      ensemble = test_ensemble();
    std::vector<Vector2>          u(J);
    for (const ParticleBlock &block : ensemble.blocks())
      for (unsigned int j = 0; j < block.size(); ++j)
        for (unsigned int i = 0; i < d; ++i)
          u[block.index[j]][i] = block.positions(j, i);
    double     D_norm = 0;
    const auto expected =
      reference_update(u, *problem, potential, settings, D_norm);

    EnsembleKalmanUpdate update(settings, &potential, problem.get());
    // The gradient methods in low dimension have a fused per-particle
    // update besides the matrix-product form; both must match.
    update.use_matrix_form_only(matrix_form_only);
    EnsembleState state;
    EXPECT_TRUE(update.evaluate(ensemble, state).empty());
    update.reduce(ensemble, state);
    if (uses_forward_model(settings.method))
      {
        EXPECT_NEAR(state.D_norm, D_norm, 1e-13 * D_norm);
      }
    update.advance(ensemble, state, dt, step);
    for (const ParticleBlock &block : ensemble.blocks())
      for (unsigned int j = 0; j < block.size(); ++j)
        for (unsigned int i = 0; i < d; ++i)
          EXPECT_NEAR(block.positions(j, i),
                      expected[block.index[j]][i],
                      1e-13 * (1 + std::abs(expected[block.index[j]][i])))
            << "particle " << block.index[j] << ", coordinate " << i;
  }
} // namespace


TEST(EnsembleKalmanUpdate, EveryMethodMatchesTheFormulas)
{
  for (const ParticleMethod method : {ParticleMethod::eks,
                                      ParticleMethod::eks_gradient,
                                      ParticleMethod::eki,
                                      ParticleMethod::eki_opt,
                                      ParticleMethod::herty_visconti,
                                      ParticleMethod::langevin})
    for (const bool split_step : {false, true})
      for (const bool aldi : {false, true})
        {
          ParticleMethodSettings settings;
          settings.method                     = method;
          settings.split_step                 = split_step;
          settings.finite_ensemble_correction = aldi;
          settings.noise                      = NoiseSquareRoot::cholesky;
          settings.seed                       = seed;
          for (const bool matrix_form : {false, true})
            {
              SCOPED_TRACE(to_string(method) + (split_step ? " split" : " EM") +
                           (aldi ? " ALDI" : "") +
                           (matrix_form ? " matrix form" : ""));
              expect_update_matches_reference(settings, matrix_form);
            }
        }
}


TEST(EnsembleKalmanUpdate, EnsembleSquareRootNoiseMatchesTheFormula)
{
  for (const ParticleMethod method :
       {ParticleMethod::eks, ParticleMethod::eks_gradient})
    {
      ParticleMethodSettings settings;
      settings.method = method;
      settings.noise  = NoiseSquareRoot::ensemble;
      settings.seed   = seed;
      SCOPED_TRACE(to_string(method));
      expect_update_matches_reference(settings, false);
    }
}


// The symmetric square root S of 2 C gives other increments than the
// Cholesky factor for the same normal numbers, but the same law: with a
// flat potential (no drift) and dt = 1 the increments of n = 20000
// particles have empirical covariance 2 C within 4 SE,
// SE(W_ik) = 2 sqrt((C_ii C_kk + C_ik^2) / n).
TEST(EnsembleKalmanUpdate, SymmetricSquareRootHasCovarianceTwoC)
{
  const unsigned int n = 20000;
  Ensemble           ensemble(d, n, MPI_COMM_WORLD);
  // particles on a fixed ellipse-like cloud with covariance C
  for (ParticleBlock &block : ensemble.blocks())
    for (unsigned int j = 0; j < block.size(); ++j)
      {
        RandomStream s(5, block.index[j], RandomPurpose::initial_ensemble, 0);
        const double z1 = s.normal(), z2 = s.normal();
        block.positions(j, 0) = z1;
        block.positions(j, 1) = 0.6 * z1 + 0.5 * z2;
      }
  // langevin-free eks-gradient with a zero potential: drift -C grad Phi = 0
  class Flat : public Potential
  {
  public:
    unsigned int
    dimension() const override
    {
      return d;
    }
    double
    value(const dealii::ArrayView<const double> &) const override
    {
      return 0;
    }
    void
    gradient(const dealii::ArrayView<const double> &,
             const dealii::ArrayView<double> &g) const override
    {
      g[0] = g[1] = 0;
    }
    std::string
    description() const override
    {
      return "0";
    }
  } flat;
  ParticleMethodSettings settings;
  settings.method = ParticleMethod::eks_gradient;
  settings.noise  = NoiseSquareRoot::symmetric;
  const EnsembleKalmanUpdate update(settings, &flat, nullptr);
  EnsembleState              state;
  update.evaluate(ensemble, state);
  update.reduce(ensemble, state);
  const DenseMatrix C      = state.moments.covariance;
  const Ensemble    before = ensemble;
  update.advance(ensemble, state, 1.0, 0);
  // increments w_j = u_j(after) - u_j(before) ~ N(0, 2 C)
  DenseMatrix W(d, d);
  for (unsigned int b = 0; b < ensemble.blocks().size(); ++b)
    for (unsigned int j = 0; j < ensemble.blocks()[b].size(); ++j)
      for (unsigned int i = 0; i < d; ++i)
        for (unsigned int k = 0; k < d; ++k)
          W(i, k) += (ensemble.blocks()[b].positions(j, i) -
                      before.blocks()[b].positions(j, i)) *
                     (ensemble.blocks()[b].positions(j, k) -
                      before.blocks()[b].positions(j, k)) /
                     n;
  for (unsigned int i = 0; i < d; ++i)
    for (unsigned int k = 0; k < d; ++k)
      EXPECT_NEAR(W(i, k),
                  2 * C(i, k),
                  4 * 2 *
                    std::sqrt((C(i, i) * C(k, k) + C(i, k) * C(i, k)) / n))
        << i << k;
}
