#ifndef kwfp_potential_inverse_problem_potential_h
#define kwfp_potential_inverse_problem_potential_h

#include <kwfp/forward_model/inverse_problem.h>
#include <kwfp/potential/potential.h>

#include <memory>

namespace kwfp
{
  /**
   * @brief Phi_R(u) = 1/2 |y - G(u)|^2_Gamma + 1/2 |u - m_prior|^2_{Gamma_0}
   * of an InverseProblem, (1.4), with
   *   grad Phi_R(u) = -DG(u)^T Gamma^{-1} (y - G(u)) + Gamma_0^{-1} (u - m).
   * DG is exact for a linear G and central differences otherwise. For a
   * linear G the posterior N(u_0, B) is the stationary Gaussian.
   */
  class InverseProblemPotential : public Potential
  {
  public:
    /// Phi_R of @p problem, (2.2).
    explicit InverseProblemPotential(
      std::shared_ptr<const InverseProblem> problem);

    /// d of the inverse problem.
    unsigned int
    dimension() const override
    {
      return problem->dimension();
    }
    /// Phi_R(u) = misfit(G(u)) + prior_term(u), one ForwardModel::evaluate().
    double
    value(const dealii::ArrayView<const double> &u) const override;
    /// grad Phi_R(u) as the one row of gradients().
    void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &gradient) const override;
    /// For a linear G: (U A^T - 1 y^T) Gamma^{-1} A + (U - 1 m^T) Gamma_0^{-1},
    /// by matrix products; otherwise by one
    /// ForwardModel::evaluate_with_jacobians() for all the points.
    void
    gradients(const DenseMatrix &points, DenseMatrix &gradients) const override;
    /// By one ForwardModel::evaluate_rows() for all the points.
    void
    values(const DenseMatrix   &points,
           std::vector<double> &values) const override;
    /// By one ForwardModel::evaluate_with_jacobians() for all the points
    /// (values() and gradients() for a linear G).
    void
    values_and_gradients(const DenseMatrix   &points,
                         std::vector<double> &values,
                         DenseMatrix         &gradients) const override;
    /// That of the forward model.
    bool
    prefers_one_batch() const override
    {
      return problem->forward_model().prefers_one_batch();
    }
    /// For a linear G only (InverseProblem::linear_posterior()).
    bool
    has_hessian() const override
    {
      return problem->linear_posterior().has_value();
    }
    /// D^2 Phi_R = B^{-1} = A^T Gamma^{-1} A + Gamma_0^{-1} (linear G).
    DenseMatrix
    hessian(const dealii::ArrayView<const double> &u) const override;
    /// The posterior N(u_0, B) for a linear G; otherwise empty.
    std::optional<Gaussian>
    stationary_gaussian() const override
    {
      return problem->linear_posterior();
    }
    /// The forward model, K and (linear G, d <= 4) the posterior covariance.
    std::string
    description() const override;

    /// The inverse problem this potential belongs to.
    const InverseProblem &
    inverse_problem() const
    {
      return *problem;
    }

  private:
    /// grad Phi_R = DG^T Gamma^{-1} (G - y) + Gamma_0^{-1} (u - m) at
    /// row @p j of @p points from G and DG there, into row @p j of
    /// @p gradients.
    void
    gradient_from(const DenseMatrix &points,
                  const unsigned int j,
                  const DenseMatrix &G,
                  const DenseMatrix &DG,
                  DenseMatrix       &gradients) const;

    std::shared_ptr<const InverseProblem> problem;
  };
} // namespace kwfp

#endif
