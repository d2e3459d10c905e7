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

    unsigned int
    dimension() const override;
    double
    value(const dealii::ArrayView<const double> &u) const override;
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
    prefers_one_batch() const override;
    bool
    has_hessian() const override;
    DenseMatrix
    hessian(const dealii::ArrayView<const double> &u) const override;
    std::optional<Gaussian>
    stationary_gaussian() const override;
    std::string
    description() const override;

    /// The inverse problem this potential belongs to.
    const InverseProblem &
    inverse_problem() const;

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
