#include <kwfp/gaussian/closed_form.h>

#include <deal.II/lac/lapack_full_matrix.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace kwfp;

namespace
{
  const Gaussian initial(to_dense_vector({-1.5, 1.5}),
                         parse_matrix("1.0, -0.3; -0.3, 0.6", "C_0"));
  const Gaussian stationary(to_dense_vector({1, -0.5}),
                            parse_matrix("0.5, 0.2; 0.2, 0.8", "B"));

  /// e^{-tA} for symmetric A by its eigendecomposition.
  DenseMatrix
  exp_minus(const DenseMatrix &A, const double t)
  {
    dealii::Vector<double>           eigenvalues;
    dealii::FullMatrix<double>       vectors;
    dealii::LAPACKFullMatrix<double> L(A.m());
    L = A;
    L.compute_eigenvalues_symmetric(-1e300, 1e300, 0, eigenvalues, vectors);
    DenseMatrix E(A.m(), A.m());
    for (unsigned int i = 0; i < A.m(); ++i)
      for (unsigned int j = 0; j < A.m(); ++j)
        for (unsigned int k = 0; k < A.m(); ++k)
          E(i, j) +=
            vectors(i, k) * std::exp(-t * eigenvalues[k]) * vectors(j, k);
    return E;
  }
} // namespace

// (4.14): C(t)^{-1} = (C_0^{-1} - B^{-1}) e^{-2t} + B^{-1}.
TEST(GaussianClosedForm, KalmanWassersteinCovarianceIsEquation414)
{
  GaussianClosedForm closed(initial,
                            stationary,
                            DiffusionMatrixType::kalman_wasserstein);
  const DenseMatrix  C0_inv = spd_inverse(initial.covariance());
  const DenseMatrix  B_inv  = spd_inverse(stationary.covariance());
  for (const double t : {0.1, 0.5, 1.0, 2.0, 4.0})
    {
      DenseMatrix expected(C0_inv);
      expected.add(-1., B_inv);
      expected *= std::exp(-2 * t);
      expected.add(1., B_inv);
      const DenseMatrix computed = spd_inverse(closed.at(t).covariance());
      EXPECT_LT(frobenius_distance(computed, expected),
                1e-10 * expected.frobenius_norm())
        << "t = " << t;
    }
}

// (4.15): |m(t) - u_0|_{C(t)} = |m_0 - u_0|_{C_0} e^{-t}.
TEST(GaussianClosedForm, KalmanWassersteinMeanIsEquation415)
{
  GaussianClosedForm closed(initial,
                            stationary,
                            DiffusionMatrixType::kalman_wasserstein);
  const auto         norm = [](const Gaussian &g, const DenseVector &u_0) {
    DenseVector d(g.mean());
    d -= u_0;
    return std::sqrt(spd_inverse(g.covariance()).matrix_norm_square(d));
  };
  const double at_0 = norm(initial, stationary.mean());
  for (const double t : {0.1, 0.5, 1.0, 2.0, 4.0})
    EXPECT_NEAR(norm(closed.at(t), stationary.mean()),
                at_0 * std::exp(-t),
                1e-10 * at_0)
      << "t = " << t;
}

// C = I: m(t) = u_0 + e^{-At}(m_0 - u_0),
// S(t) = e^{-At} S_0 e^{-At} + A^{-1}(I - e^{-2At}), A = B^{-1}.
TEST(GaussianClosedForm, WassersteinIsOrnsteinUhlenbeck)
{
  GaussianClosedForm closed(initial,
                            stationary,
                            DiffusionMatrixType::wasserstein);
  const DenseMatrix  A = spd_inverse(stationary.covariance());
  for (const double t : {0.25, 1.0, 3.0})
    {
      const DenseMatrix E  = exp_minus(A, t);
      const DenseMatrix E2 = exp_minus(A, 2 * t);
      DenseVector       m0_minus_u0(initial.mean());
      m0_minus_u0 -= stationary.mean();
      DenseVector m(2);
      E.vmult(m, m0_minus_u0);
      m += stationary.mean();
      DenseMatrix S(2, 2), tmp(2, 2);
      E.mmult(tmp, initial.covariance());
      tmp.mmult(S, E);
      DenseMatrix I_minus = identity_matrix(2);
      I_minus.add(-1., E2);
      DenseMatrix second(2, 2);
      stationary.covariance().mmult(second, I_minus);
      S.add(1., second);

      const Gaussian g = closed.at(t);
      DenseVector    dm(g.mean());
      dm -= m;
      EXPECT_LT(dm.l2_norm(), 1e-10) << "t = " << t;
      EXPECT_LT(frobenius_distance(g.covariance(), S), 1e-10) << "t = " << t;
    }
}

// A fixed C equal to the identity is the Wasserstein case.
TEST(GaussianClosedForm, FixedIdentityEqualsWasserstein)
{
  GaussianClosedForm fixed(initial,
                           stationary,
                           DiffusionMatrixType::fixed,
                           identity_matrix(2));
  GaussianClosedForm ou(initial, stationary, DiffusionMatrixType::wasserstein);
  const Gaussian     a = fixed.at(1.3), b = ou.at(1.3);
  EXPECT_LT(frobenius_distance(a.covariance(), b.covariance()), 1e-12);
}

// Successive calls continue the integration; going back restarts it.
TEST(GaussianClosedForm, ContinuationAgreesWithDirectIntegration)
{
  GaussianClosedForm stepped(initial,
                             stationary,
                             DiffusionMatrixType::kalman_wasserstein);
  for (int k = 1; k <= 20; ++k)
    stepped.at(0.1 * k);
  GaussianClosedForm direct(initial,
                            stationary,
                            DiffusionMatrixType::kalman_wasserstein);
  EXPECT_LT(frobenius_distance(stepped.at(2.0).covariance(),
                               direct.at(2.0).covariance()),
            1e-10);
  EXPECT_LT(frobenius_distance(stepped.at(0.5).covariance(),
                               direct.at(0.5).covariance()),
            1e-10);
}

// (4.6) along the exact solution: d/dt KL(rho(t) || rho_inf) = -I_C with
// C = C(rho(t)) in the Kalman-Wasserstein case and C = I for Wasserstein.
// Central differences with step 1e-4 have error ~1e-8 relative.
TEST(GaussianClosedForm, KlDissipationIsKalmanFisherInformation)
{
  for (const auto type : {DiffusionMatrixType::kalman_wasserstein,
                          DiffusionMatrixType::wasserstein})
    for (const double t : {0.2, 1.0, 2.5})
      {
        GaussianClosedForm closed(initial, stationary, type);
        const double       h     = 1e-4;
        const double       minus = kl_divergence(closed.at(t - h), stationary);
        const double       plus  = kl_divergence(closed.at(t + h), stationary);
        const Gaussian     now   = closed.at(t);
        const DenseMatrix  C     = type == DiffusionMatrixType::wasserstein ?
                                     identity_matrix(2) :
                                     now.covariance();
        const double       I = kalman_fisher_information(now, stationary, C);
        EXPECT_NEAR(-(plus - minus) / (2 * h), I, 1e-7 * I) << "t = " << t;
      }
}
