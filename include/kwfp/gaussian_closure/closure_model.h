#ifndef kwfp_gaussian_closure_closure_model_h
#define kwfp_gaussian_closure_closure_model_h

#include <kwfp/gaussian_closure/closure_state.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief The right-hand side of a closure of K Gaussian components
   * N(m_k, C_k) in the form the integrator (rosenbrock_step()) advances:
   *   dm_k/dt = -C_k g_k,   dP_k/dt = -2 P_k + 2 H_k,
   * with g_k and H_k what evaluate() returns for component k (the members
   * gradient and hessian of GaussianExpectations; its member phi is the
   * component's share of the free energy). For one Gaussian g = E[grad Phi_R],
   * H = E[Hess Phi_R] (GaussianClosureModel); for a mixture, the expectations
   * of the gradient and Hessian of Phi_R + ln p under each component, H shifted
   * by P_k (MixtureClosureModel).
   */
  class ClosureModel
  {
  public:
    virtual ~ClosureModel() = default;

    /// The number of components K.
    virtual unsigned int
    n_components() const = 0;

    /**
     * g_k, H_k (and phi_k) at @p states (K of them). Throws RunFailure when
     * Phi_R or its derivatives are not finite at a node, std::domain_error
     * when a covariance is not SPD.
     */
    virtual std::vector<GaussianExpectations>
    evaluate(const std::vector<ClosureState> &states) const = 0;

    /// The free energy KL(p || exp(-Phi_R)/Z) - ln Z of the closure's
    /// density p at @p states with the expectations @p e there.
    virtual double
    free_energy(const std::vector<ClosureState>         &states,
                const std::vector<GaussianExpectations> &e) const = 0;

    /// Evaluations of Phi_R (with its derivatives) per evaluate().
    virtual unsigned int
    evaluations_per_call() const = 0;
  };

  /**
   * @brief The Gaussian closure (K = 1) of MATH.md Section 8:
   * g = E[grad Phi_R], H = E[Hess Phi_R] under N(m, C) by a
   * GaussianExpectation; the free energy E[Phi_R] - 1/2 ln det(2 pi e C).
   */
  class GaussianClosureModel : public ClosureModel
  {
  public:
    /// The closure with the expectations of @p expectation (kept by
    /// reference).
    explicit GaussianClosureModel(const GaussianExpectation &expectation);

    /// 1.
    unsigned int
    n_components() const override;

    /// E[Phi_R], E[grad Phi_R], E[Hess Phi_R] at the one state.
    std::vector<GaussianExpectations>
    evaluate(const std::vector<ClosureState> &states) const override;

    /// closure_free_energy().
    double
    free_energy(const std::vector<ClosureState>         &states,
                const std::vector<GaussianExpectations> &e) const override;

    /// GaussianExpectation::evaluations_per_call().
    unsigned int
    evaluations_per_call() const override;

  private:
    const GaussianExpectation &expectation;
  };
} // namespace kwfp

#endif
