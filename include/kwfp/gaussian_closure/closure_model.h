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
   *
   * The weights w_k of the components (ClosureState::weight) are fixed,
   * or (weights_evolve()) move by the Fisher-Rao flow
   *   d ln w_k/dt = -(F_k - sum_j w_j F_j),
   * F_k = closure_free_energy(state k, phi_k) (fisher_rao_log_weight_rates()).
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

    /// The weights w_k at t = 0 (positive, sum 1; ClosureIntegrator puts
    /// them into its states). The default: K times 1/K.
    virtual std::vector<double>
    initial_weights() const;

    /// Whether the weights move by the Fisher-Rao flow (else they stay
    /// initial_weights()). The default: false.
    virtual bool
    weights_evolve() const;
  };

  /**
   * @brief The Fisher-Rao part of the Wasserstein-Fisher-Rao gradient flow
   * of KL(p || pi) on the weights of p = sum_k w_k N(m_k, C_k) (Lambert,
   * Chewi, Bach, Bonnabel and Rigollet 2022, Appendix H.2):
   *   dw_k/dt = -w_k (F_k - sum_j w_j F_j),   F_k = E_k[ln(p / pi)],
   * returned as d ln w_k/dt = -(F_k - sum_j w_j F_j) at @p states (their
   * weights) with the expectations @p e there. With Phi_R = -ln pi - ln Z
   * and psi_k = Phi_R + ln(p / N_k) (MixtureClosureModel),
   *   F_k - ln Z = E_k[psi_k] + E_k[ln N_k]
   *              = e[k].phi - 1/2 ln det(2 pi e C_k)
   *              = closure_free_energy(states[k], e[k].phi);
   * the constant ln Z cancels in F_k - sum_j w_j F_j, and sum_k w_k F_k is
   * the free energy KL(p || pi) - ln Z. Time scale: this is the gradient
   * flow for the metric int alpha^2 dmu of the reaction part
   * d mu/dt = alpha mu (H.1 of the paper, without the factor 1/4); the
   * paper's dr/dt = -(F_k - sum_j w_j F_j) r for r = sqrt(w) runs the same
   * paths twice as fast. Along the flow
   *   d/dt sum_k w_k = 0,
   *   d/dt KL = sum_k F_k dw_k/dt = -sum_k w_k (F_k - sum_j w_j F_j)^2 <= 0.
   * For K = 1 the rate is F_1 - 1 * F_1 = 0 exactly.
   */
  std::vector<double>
  fisher_rao_log_weight_rates(const std::vector<ClosureState>         &states,
                              const std::vector<GaussianExpectations> &e);

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
    n_components() const override
    {
      return 1;
    }

    /// E[Phi_R], E[grad Phi_R], E[Hess Phi_R] at the one state.
    std::vector<GaussianExpectations>
    evaluate(const std::vector<ClosureState> &states) const override;

    /// closure_free_energy() of the one state.
    double
    free_energy(const std::vector<ClosureState>         &states,
                const std::vector<GaussianExpectations> &e) const override
    {
      return closure_free_energy(states[0], e[0].phi);
    }

    /// GaussianExpectation::evaluations_per_call().
    unsigned int
    evaluations_per_call() const override
    {
      return expectation.evaluations_per_call();
    }

  private:
    const GaussianExpectation &expectation;
  };
} // namespace kwfp

#endif
