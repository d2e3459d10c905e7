#include <kwfp/base/errors.h>
#include <kwfp/forward_model/elliptic_forward_model.h>
#include <kwfp/forward_model/expression_forward_model.h>
#include <kwfp/forward_model/linear_forward_model.h>
#include <kwfp/potential/expression_potential.h>
#include <kwfp/potential/gaussian_mixture_potential.h>
#include <kwfp/potential/inverse_problem_potential.h>
#include <kwfp/potential/logistic_regression_potential.h>
#include <kwfp/potential/quadratic_potential.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace kwfp;

namespace
{
  /// Compare the gradient (and Hessian, if any) with central differences.
  void
  expect_derivatives_match_differences(const Potential           &phi,
                                       const std::vector<double> &u)
  {
    const unsigned int  d = phi.dimension();
    std::vector<double> g(d), gp(d), gm(d);
    phi.gradient(dealii::make_array_view(u), dealii::make_array_view(g));
    const double h = 1e-5;
    for (unsigned int i = 0; i < d; ++i)
      {
        std::vector<double> up = u, um = u;
        up[i] += h;
        um[i] -= h;
        const double fd = (phi.value(dealii::make_array_view(up)) -
                           phi.value(dealii::make_array_view(um))) /
                          (2 * h);
        // Central differences: error h^2/6 |Phi'''| + round-off
        // eps |Phi| / h, both below 1e-6 here.
        EXPECT_NEAR(g[i], fd, 1e-6 * std::max(1.0, std::abs(g[i])))
          << phi.description() << ", component " << i;
        if (phi.has_hessian())
          {
            phi.gradient(dealii::make_array_view(up),
                         dealii::make_array_view(gp));
            phi.gradient(dealii::make_array_view(um),
                         dealii::make_array_view(gm));
            const DenseMatrix H = phi.hessian(dealii::make_array_view(u));
            for (unsigned int j = 0; j < d; ++j)
              EXPECT_NEAR(H(j, i), (gp[j] - gm[j]) / (2 * h), 1e-6);
          }
      }
  }
} // namespace

TEST(Potentials, QuadraticGradientAndHessian)
{
  const QuadraticPotential phi(to_dense_vector({1, -0.5}),
                               parse_matrix("0.5, 0.2; 0.2, 0.8", "B"));
  expect_derivatives_match_differences(phi, {0.3, 0.7});
  expect_derivatives_match_differences(phi, {-4, 6});
  EXPECT_NEAR(phi.value(dealii::make_array_view(std::vector<double>{1, -0.5})),
              0,
              1e-15);
}

// The batched gradients of the ensemble (one row per particle; a direct
// loop for d <= 4, a BLAS product above) equal the pointwise gradient to
// round-off, in every dimension 1 to 6.
TEST(Potentials, QuadraticBatchedGradientsEqualPointwise)
{
  for (unsigned int d = 1; d <= 6; ++d)
    {
      DenseVector u0(d);
      DenseMatrix B(d, d);
      for (unsigned int i = 0; i < d; ++i)
        {
          u0[i]   = 0.3 * i - 1;
          B(i, i) = 1 + 0.2 * i;
          if (i + 1 < d)
            B(i, i + 1) = B(i + 1, i) = 0.25;
        }
      const QuadraticPotential phi(u0, B);
      const unsigned int       n = 7;
      DenseMatrix              points(n, d), gradients;
      for (unsigned int j = 0; j < n; ++j)
        for (unsigned int i = 0; i < d; ++i)
          points(j, i) = std::sin(1.0 + j + 2.0 * i);
      phi.gradients(points, gradients);
      ASSERT_EQ(gradients.m(), n);
      ASSERT_EQ(gradients.n(), d);
      std::vector<double> u(d), g(d);
      for (unsigned int j = 0; j < n; ++j)
        {
          for (unsigned int i = 0; i < d; ++i)
            u[i] = points(j, i);
          phi.gradient(dealii::make_array_view(u), dealii::make_array_view(g));
          for (unsigned int i = 0; i < d; ++i)
            EXPECT_NEAR(gradients(j, i), g[i], 1e-14 * (1 + std::abs(g[i])))
              << "d = " << d << ", particle " << j << ", component " << i;
        }
    }
}

namespace
{
  /// The test inverse problem with G(u) = A u, A = (1, 0.5; 0.2, 1; 1, -1),
  /// given as a matrix or as muparser expressions.
  InverseProblemPotential
  test_inverse_problem(const std::shared_ptr<const ForwardModel> &model)
  {
    return InverseProblemPotential(std::make_shared<InverseProblem>(
      model,
      to_dense_vector({1.2, 0.4, 0.9}),
      parse_matrix("0.3, 0, 0; 0, 0.3, 0; 0, 0, 0.5", "Gamma"),
      parse_matrix("4, 0; 0, 4", "Gamma_0"),
      to_dense_vector({0.1, -0.2})));
  }
} // namespace

TEST(Potentials, LinearInverseProblemDerivativesAndPosterior)
{
  const InverseProblemPotential phi =
    test_inverse_problem(std::make_shared<LinearForwardModel>(
      parse_matrix("1, 0.5; 0.2, 1; 1, -1", "A")));
  expect_derivatives_match_differences(phi, {0.3, 0.7});
  expect_derivatives_match_differences(phi, {-2, 3});
  // The posterior mean u_0 is the minimizer: grad Phi_R(u_0) = 0, and the
  // Hessian is B^{-1}.
  const Gaussian            posterior = *phi.stationary_gaussian();
  const std::vector<double> u_0(posterior.mean().begin(),
                                posterior.mean().end());
  std::vector<double>       g(2);
  phi.gradient(dealii::make_array_view(u_0), dealii::make_array_view(g));
  EXPECT_NEAR(g[0], 0, 1e-13);
  EXPECT_NEAR(g[1], 0, 1e-13);
  const DenseMatrix H = phi.hessian(dealii::make_array_view(u_0));
  EXPECT_LT(frobenius_distance(spd_inverse(H), posterior.covariance()), 1e-13);
}

TEST(Potentials, ExpressionForwardModelMatchesLinear)
{
  // The same G as expressions: the value agrees to round-off, the gradient
  // (central differences of G, error O(h^2) = O(eps^(2/3)) ~ 4e-11 relative
  // for this linear G, where only round-off enters) to 1e-8.
  const InverseProblemPotential linear =
    test_inverse_problem(std::make_shared<LinearForwardModel>(
      parse_matrix("1, 0.5; 0.2, 1; 1, -1", "A")));
  const InverseProblemPotential expression =
    test_inverse_problem(std::make_shared<ExpressionForwardModel>(
      2, "x + 0.5*y; 0.2*x + y; x - y", std::map<std::string, double>(), "G"));
  EXPECT_FALSE(expression.stationary_gaussian().has_value());
  for (const std::vector<double> &u :
       {std::vector<double>{0.3, 0.7}, std::vector<double>{-20, 31}})
    {
      const auto view = dealii::make_array_view(u);
      EXPECT_NEAR(expression.value(view),
                  linear.value(view),
                  1e-14 * linear.value(view));
      std::vector<double> g1(2), g2(2);
      linear.gradient(view, dealii::make_array_view(g1));
      expression.gradient(view, dealii::make_array_view(g2));
      for (unsigned int i = 0; i < 2; ++i)
        EXPECT_NEAR(g2[i], g1[i], 1e-8 * (1 + std::abs(g1[i])));
    }
}

TEST(Potentials, ExpressionGradient)
{
  const ExpressionPotential phi(2,
                                "a*x^4/4 - x^2/2 + y^2/2 + x*y/10",
                                "a*x^3 - x + y/10; y + x/10",
                                {{"a", 1.5}},
                                "Potential/Expression");
  expect_derivatives_match_differences(phi, {0.3, 0.7});
  expect_derivatives_match_differences(phi, {-1.2, 0.4});
  // u1, u2 are the same variables as x, y.
  const ExpressionPotential same(
    2, "u1^2 + 3*u2", "2*u1; 3", {}, "Potential/Expression");
  EXPECT_DOUBLE_EQ(
    same.value(dealii::make_array_view(std::vector<double>{2, 1})), 7);
}

TEST(Potentials, ExpressionErrorsNameTheParameter)
{
  try
    {
      ExpressionPotential(2, "x^2 +* y", "x; y", {}, "Potential/Expression");
      ADD_FAILURE() << "syntax error not reported";
    }
  catch (const InputError &e)
    {
      EXPECT_EQ(e.parameter, "Potential/Expression/Phi_R");
    }
  try
    {
      ExpressionPotential(2, "x^2", "2*x; w", {}, "Potential/Expression");
      ADD_FAILURE() << "unknown variable not reported";
    }
  catch (const InputError &e)
    {
      EXPECT_EQ(e.parameter, "Potential/Expression/Gradient");
    }
  try
    {
      ExpressionPotential(2, "x^2", "2*x", {}, "Potential/Expression");
      ADD_FAILURE() << "wrong number of gradient components not reported";
    }
  catch (const InputError &e)
    {
      EXPECT_EQ(e.parameter, "Potential/Expression/Gradient");
    }
}

TEST(Potentials, InconsistentGradientIsDetected)
{
  const ExpressionPotential wrong(
    2, "x^2 + y^2", "2*x; y", {}, "Potential/Expression");
  EXPECT_THROW(check_gradient_against_differences(
                 wrong, {{0.5, 0.5}, {1, -2}}, "Potential/Expression/Gradient"),
               InputError);
  const ExpressionPotential right(
    2, "x^2 + y^2", "2*x; 2*y", {}, "Potential/Expression");
  EXPECT_NO_THROW(check_gradient_against_differences(
    right, {{0.5, 0.5}, {1, -2}}, "Potential/Expression/Gradient"));
}


namespace
{
  GaussianMixturePotential
  two_component_mixture()
  {
    return GaussianMixturePotential(
      {0.3, 0.7},
      {to_dense_vector({-1.5, 0.5}), to_dense_vector({1.5, -0.5})},
      {parse_matrix("0.5, 0.2; 0.2, 0.4", "S1"),
       parse_matrix("0.3, -0.1; -0.1, 0.6", "S2")});
  }
} // namespace

TEST(Potentials, GaussianMixtureDerivatives)
{
  const GaussianMixturePotential phi = two_component_mixture();
  // Between the modes, at a mode, and far out (log-sum-exp keeps it finite).
  expect_derivatives_match_differences(phi, {0.1, 0.2});
  expect_derivatives_match_differences(phi, {-1.5, 0.5});
  expect_derivatives_match_differences(phi, {2.5, -1.0});
  const std::vector<double> far{40, -30};
  EXPECT_TRUE(std::isfinite(phi.value(dealii::make_array_view(far))));
}

TEST(Potentials, GaussianMixtureValueIsMinusLogDensity)
{
  // exp(-Phi) at a point equals the mixture density written out.
  const GaussianMixturePotential phi = two_component_mixture();
  const std::vector<double>      u{0.4, -0.2};
  const Gaussian                 g1(to_dense_vector({-1.5, 0.5}),
                    parse_matrix("0.5, 0.2; 0.2, 0.4", "S1"));
  const Gaussian                 g2(to_dense_vector({1.5, -0.5}),
                    parse_matrix("0.3, -0.1; -0.1, 0.6", "S2"));
  const double density = 0.3 * g1.density(dealii::make_array_view(u)) +
                         0.7 * g2.density(dealii::make_array_view(u));
  EXPECT_NEAR(std::exp(-phi.value(dealii::make_array_view(u))),
              density,
              1e-14 * density);
  // Mixture moments: mean 0.3 mu_1 + 0.7 mu_2, covariance by the law of
  // total covariance.
  const DenseVector m = phi.mean();
  EXPECT_NEAR(m[0], 0.3 * -1.5 + 0.7 * 1.5, 1e-15);
  EXPECT_NEAR(m[1], 0.3 * 0.5 + 0.7 * -0.5, 1e-15);
  const DenseMatrix C = phi.covariance();
  // Var(u_1) = 0.3*0.5 + 0.7*0.3 + 0.3*0.7*(1.5 - (-1.5))^2
  EXPECT_NEAR(C(0, 0), 0.15 + 0.21 + 0.21 * 9, 1e-13);
  // Cov(u_1, u_2) = 0.3*0.2 + 0.7*(-0.1) + 0.21 * (-3) * (1)
  EXPECT_NEAR(C(0, 1), 0.06 - 0.07 + 0.21 * (-3) * 1, 1e-13);
  // One component: the Gaussian itself.
  const GaussianMixturePotential single({2},
                                        {to_dense_vector({1, 2})},
                                        {parse_matrix("0.5, 0; 0, 2", "S")});
  ASSERT_TRUE(single.stationary_gaussian().has_value());
  EXPECT_NEAR(single.value(dealii::make_array_view(u)) -
                single.value(
                  dealii::make_array_view(std::vector<double>{1, 2})),
              0.5 * ((0.4 - 1) * (0.4 - 1) / 0.5 + (-0.2 - 2) * (-0.2 - 2) / 2),
              1e-13);
}


TEST(ForwardModels, EllipticSolvesTheBoundaryValueProblem)
{
  // p(x) = u_2 x + exp(-u_1)(x - x^2)/2 solves -(exp(u_1) p')' = 1, p(0) =
  // 0, p(1) = u_2 (5.3): check p(0+), p(1-), and the second difference,
  // exact for a quadratic.
  const std::vector<double>  u{-2.7, 104.5};
  const double               h = 1e-3;
  const EllipticForwardModel model(2, {h, 0.5 - h, 0.5, 0.5 + h, 1 - h});
  std::vector<double>        G(5);
  model.evaluate(dealii::make_array_view(u), dealii::make_array_view(G));
  const double e = std::exp(2.7);
  // p(h)/h = p'(0) + O(h) with p(0) = 0; (u_2 - p(1-h))/h = p'(1) + O(h)
  // with p(1) = u_2; p'(0) = u_2 + e/2, p'(1) = u_2 - e/2 (flux balance:
  // exp(u_1)(p'(0) - p'(1)) = 1); the O(h) terms are e h / 2.
  EXPECT_NEAR(G[0] / h, u[1] + e / 2, e * h);
  EXPECT_NEAR((u[1] - G[4]) / h, u[1] - e / 2, e * h);
  // p'' = -exp(-u_1); round-off 4 eps |p| / h^2 = 1e-5.
  EXPECT_NEAR((G[1] - 2 * G[2] + G[3]) / (h * h), -e, 1e-4);
  // The paper's observation points.
  const EllipticForwardModel paper(2, {0.25, 0.75});
  std::vector<double>        y(2);
  paper.evaluate(dealii::make_array_view(u), dealii::make_array_view(y));
  EXPECT_NEAR(y[0], 0.25 * u[1] + e * 0.1875 / 2, 1e-12 * y[0]);
  EXPECT_NEAR(y[1], 0.75 * u[1] + e * 0.1875 / 2, 1e-12 * y[1]);
  // The exact Jacobian against central differences of G.
  const DenseMatrix J = paper.jacobian(dealii::make_array_view(u));
  const DenseMatrix Jd =
    paper.ForwardModel::jacobian(dealii::make_array_view(u));
  for (unsigned int k = 0; k < 2; ++k)
    for (unsigned int a = 0; a < 2; ++a)
      EXPECT_NEAR(J(k, a), Jd(k, a), 1e-7 * std::max(1., std::abs(J(k, a))));
  EXPECT_THROW(EllipticForwardModel(3, {0.5}), InputError);
  EXPECT_THROW(EllipticForwardModel(2, {0.5, 1.0}), InputError);
}


TEST(Potentials, LogisticRegressionDerivativesAndRows)
{
  const LogisticRegressionPotential phi = LogisticRegressionPotential::from_csv(
    KWFP_TEST_DATA_DIR "/logistic_3d.csv", 3, 10, "file");
  EXPECT_EQ(phi.dimension(), 3u);
  expect_derivatives_match_differences(phi, {0.5, -1.0, 2.0});
  expect_derivatives_match_differences(phi, {-0.3, 0.2, 0.1});
  // Far out the softplus must not overflow: Phi grows linearly in |u|
  // (plus the prior), and stays finite.
  const std::vector<double> far{800, -900, 700};
  EXPECT_TRUE(std::isfinite(phi.value(dealii::make_array_view(far))));
  // gradients() (matrix products) equals gradient() row by row.
  DenseMatrix  points(3, 3), rows;
  const double values[9] = {0.5, -1, 2, -0.3, 0.2, 0.1, 3, 3, -3};
  for (unsigned int j = 0; j < 3; ++j)
    for (unsigned int a = 0; a < 3; ++a)
      points(j, a) = values[3 * j + a];
  phi.gradients(points, rows);
  for (unsigned int j = 0; j < 3; ++j)
    {
      std::vector<double>       g(3);
      const std::vector<double> u(values + 3 * j, values + 3 * j + 3);
      phi.gradient(dealii::make_array_view(u), dealii::make_array_view(g));
      for (unsigned int a = 0; a < 3; ++a)
        EXPECT_NEAR(rows(j, a), g[a], 1e-12 * std::max(1., std::abs(g[a])));
    }
  EXPECT_THROW(LogisticRegressionPotential::from_csv(
                 KWFP_TEST_DATA_DIR "/logistic_3d.csv", 2, 10, "file"),
               InputError);
  EXPECT_THROW(
    LogisticRegressionPotential::from_csv("/nonexistent.csv", 3, 10, "file"),
    InputError);
}
