#include <kwfp/potential/inverse_problem_potential.h>

#include <vector>

namespace kwfp
{
  InverseProblemPotential::InverseProblemPotential(
    std::shared_ptr<const InverseProblem> problem)
    : problem(std::move(problem))
  {}


  double
  InverseProblemPotential::value(const dealii::ArrayView<const double> &u) const
  {
    std::vector<double> G(problem->n_data());
    problem->forward_model().evaluate(u, dealii::make_array_view(G));
    return problem->misfit(dealii::make_array_view(G)) + problem->prior_term(u);
  }


  void
  InverseProblemPotential::gradient_from(const DenseMatrix &points,
                                         const unsigned int j,
                                         const DenseMatrix &G,
                                         const DenseMatrix &DG,
                                         DenseMatrix       &gradients) const
  {
    const unsigned int d = dimension(), K = problem->n_data();
    // w = Gamma^{-1} (G(u) - y)
    std::vector<double> w(K, 0.0);
    for (unsigned int k = 0; k < K; ++k)
      for (unsigned int l = 0; l < K; ++l)
        w[k] +=
          problem->noise_precision()(k, l) * (G(j, l) - problem->data()[l]);
    for (unsigned int i = 0; i < d; ++i)
      {
        double s = 0;
        for (unsigned int k = 0; k < K; ++k)
          s += DG(k, i) * w[k];
        for (unsigned int b = 0; b < d; ++b)
          s += problem->prior_precision()(i, b) *
               (points(j, b) - problem->prior_mean()[b]);
        gradients(j, i) = s;
      }
  }


  void
  InverseProblemPotential::gradient(const dealii::ArrayView<const double> &u,
                                    const dealii::ArrayView<double> &g) const
  {
    const unsigned int d = dimension();
    DenseMatrix        point(1, d), gradients;
    for (unsigned int i = 0; i < d; ++i)
      point(0, i) = u[i];
    this->gradients(point, gradients);
    for (unsigned int i = 0; i < d; ++i)
      g[i] = gradients(0, i);
  }


  void
  InverseProblemPotential::gradients(const DenseMatrix &points,
                                     DenseMatrix       &gradients) const
  {
    std::vector<double> values;
    const DenseMatrix  *A = problem->forward_model().linear_matrix();
    if (A == nullptr)
      return values_and_gradients(points, values, gradients);
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


  void
  InverseProblemPotential::values(const DenseMatrix   &points,
                                  std::vector<double> &values) const
  {
    const unsigned int n = points.m(), d = dimension(), K = problem->n_data();
    DenseMatrix        G;
    problem->forward_model().evaluate_rows(points, G);
    values.resize(n);
    for (unsigned int j = 0; j < n; ++j)
      values[j] =
        problem->misfit(dealii::ArrayView<const double>(&G(j, 0), K)) +
        problem->prior_term(dealii::ArrayView<const double>(&points(j, 0), d));
  }


  void
  InverseProblemPotential::values_and_gradients(const DenseMatrix   &points,
                                                std::vector<double> &values,
                                                DenseMatrix &gradients) const
  {
    if (problem->forward_model().linear_matrix() != nullptr)
      {
        this->values(points, values);
        this->gradients(points, gradients);
        return;
      }
    const unsigned int n = points.m(), d = dimension(), K = problem->n_data();
    DenseMatrix        G;
    std::vector<DenseMatrix> DG;
    problem->forward_model().evaluate_with_jacobians(points, G, DG);
    values.resize(n);
    gradients.reinit(n, d);
    for (unsigned int j = 0; j < n; ++j)
      {
        values[j] =
          problem->misfit(dealii::ArrayView<const double>(&G(j, 0), K)) +
          problem->prior_term(
            dealii::ArrayView<const double>(&points(j, 0), d));
        gradient_from(points, j, G, DG[j], gradients);
      }
  }


  DenseMatrix
  InverseProblemPotential::hessian(
    const dealii::ArrayView<const double> &) const
  {
    return spd_inverse(problem->linear_posterior()->covariance());
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
} // namespace kwfp
