#include <kwfp/potential/inverse_problem_potential.h>

#include <vector>

namespace kwfp
{
  InverseProblemPotential::InverseProblemPotential(
    std::shared_ptr<const InverseProblem> problem)
    : problem(std::move(problem))
  {}


  unsigned int
  InverseProblemPotential::dimension() const
  {
    return problem->dimension();
  }


  double
  InverseProblemPotential::value(const dealii::ArrayView<const double> &u) const
  {
    std::vector<double> G(problem->n_data());
    problem->forward_model().evaluate(u, dealii::make_array_view(G));
    return problem->misfit(dealii::make_array_view(G)) + problem->prior_term(u);
  }


  void
  InverseProblemPotential::gradient(const dealii::ArrayView<const double> &u,
                                    const dealii::ArrayView<double> &g) const
  {
    const unsigned int  d = dimension(), K = problem->n_data();
    std::vector<double> G(K);
    problem->forward_model().evaluate(u, dealii::make_array_view(G));
    const DenseMatrix DG = problem->forward_model().jacobian(u);
    // w = Gamma^{-1} (G(u) - y)
    std::vector<double> w(K, 0.0);
    for (unsigned int k = 0; k < K; ++k)
      for (unsigned int l = 0; l < K; ++l)
        w[k] += problem->noise_precision()(k, l) * (G[l] - problem->data()[l]);
    for (unsigned int i = 0; i < d; ++i)
      {
        double s = 0;
        for (unsigned int k = 0; k < K; ++k)
          s += DG(k, i) * w[k];
        for (unsigned int j = 0; j < d; ++j)
          s += problem->prior_precision()(i, j) *
               (u[j] - problem->prior_mean()[j]);
        g[i] = s;
      }
  }


  void
  InverseProblemPotential::gradients(const DenseMatrix &points,
                                     DenseMatrix       &gradients) const
  {
    const DenseMatrix *A = problem->forward_model().linear_matrix();
    if (A == nullptr)
      return Potential::gradients(points, gradients);
    const unsigned int n = points.m(), d = dimension(), K = problem->n_data();
    gradients.reinit(n, d);
    if (n == 0)
      return;
    DenseMatrix residuals(n, K), weighted(K, d), deviations(points);
    points.mTmult(residuals, *A);
    for (unsigned int j = 0; j < n; ++j)
      {
        for (unsigned int k = 0; k < K; ++k)
          residuals(j, k) -= problem->data()[k];
        for (unsigned int i = 0; i < d; ++i)
          deviations(j, i) -= problem->prior_mean()[i];
      }
    problem->noise_precision().mmult(weighted, *A);
    residuals.mmult(gradients, weighted);
    deviations.mmult(gradients, problem->prior_precision(), true);
  }


  bool
  InverseProblemPotential::has_hessian() const
  {
    return problem->linear_posterior().has_value();
  }


  DenseMatrix
  InverseProblemPotential::hessian(
    const dealii::ArrayView<const double> &) const
  {
    return spd_inverse(problem->linear_posterior()->covariance());
  }


  std::optional<Gaussian>
  InverseProblemPotential::stationary_gaussian() const
  {
    return problem->linear_posterior();
  }


  std::string
  InverseProblemPotential::description() const
  {
    std::string text =
      "inverse problem, " + problem->forward_model().description() +
      ", K = " + std::to_string(problem->n_data()) + " observations";
    if (problem->linear_posterior() && dimension() <= 4)
      text += ", posterior covariance B = " +
              format_matrix(problem->linear_posterior()->covariance());
    return text;
  }


  const InverseProblem &
  InverseProblemPotential::inverse_problem() const
  {
    return *problem;
  }
} // namespace kwfp
