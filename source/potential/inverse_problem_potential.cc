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
    return problem->misfit(dealii::make_array_view(G)) +
           problem->prior_term(u);
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


  bool
  InverseProblemPotential::has_hessian() const
  {
    return problem->linear_posterior().has_value();
  }


  DenseMatrix
  InverseProblemPotential::hessian(const dealii::ArrayView<const double> &) const
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
    std::string text = "inverse problem, " +
                       problem->forward_model().description() + ", K = " +
                       std::to_string(problem->n_data()) + " observations";
    if (problem->linear_posterior())
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
