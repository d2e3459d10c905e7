#ifndef kwfp_gaussian_closure_mixture_closure_model_h
#define kwfp_gaussian_closure_mixture_closure_model_h

#include <kwfp/base/named_selection.h>
#include <kwfp/gaussian_closure/closure_model.h>
#include <kwfp/gaussian_closure/cubature.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>
#include <kwfp/potential/potential.h>

#include <vector>

namespace kwfp
{
  /// How the weights of a Gaussian-mixture closure move.
  enum class MixtureWeightFlow
  {
    /// They stay the initial weights.
    fixed,
    /// The Fisher-Rao flow dw_k/dt = -w_k (F_k - sum_j w_j F_j)
    /// (fisher_rao_log_weight_rates()).
    fisher_rao
  };

  /// The names of MixtureWeightFlow in the parameter file: 'fixed',
  /// 'Fisher-Rao'.
  const NamedSelection<MixtureWeightFlow> &
  mixture_weight_flow_selection();

  /**
   * @brief The Gaussian-mixture closure of the Kalman-Wasserstein flow:
   * the density p = sum_k w_k N(m_k, C_k) (weights w_k > 0, sum 1, fixed
   * or moved by the Fisher-Rao flow of fisher_rao_log_weight_rates(), the
   * weight part of the Wasserstein-Fisher-Rao gradient flow of
   * KL(p || pi), Appendix H of the paper below) with each component moved
   * by the flow of Lambert, Chewi, Bach,
   * Bonnabel and Rigollet (2022, (11)-(12)), the gradient flow of
   * KL(p || exp(-Phi_R)/Z), preconditioned by its own covariance as the
   * Kalman-Wasserstein flow is by C:
   *   dm_k/dt = -C_k E_k[grad ln(p / pi)],
   *   dC_k/dt = -2 C_k E_k[Hess ln(p / pi)] C_k,      E_k under N(m_k, C_k).
   * For K = 1, ln p = ln N(m, C) and this is the Gaussian closure.
   *
   * Evaluation: ln p = ln N_k + r_k with r_k = ln sum_j w_j
   * exp(ln N_j - ln N_k); the part ln N_k is done exactly
   * (E_k[grad ln N_k] = 0, E_k[Hess ln N_k] = -C_k^{-1}, which gives the
   * -2 P_k of ClosureModel), so component k is the Gaussian closure of the
   * potential psi_k = Phi_R + r_k, whose expectations a GaussianExpectation
   * computes in any ExpectationForm:
   *   grad r_k = sum_{j != k} rho_j (v_k - v_j),
   *   Hess r_k = sum_{j != k} rho_j ((v_k - v_j)(v_k - v_j)^T + P_k - P_j)
   *              - grad r_k grad r_k^T,
   * v_j = P_j (u - m_j), P_j = C_j^{-1}, rho_j = w_j N_j / p (the
   * responsibilities). For K = 1 the sums are empty, r_1 = 0, and the
   * numbers are those of the Gaussian closure, bit for bit. The free energy
   * KL(p || pi) - ln Z = sum_k w_k (E_k[psi_k] - 1/2 ln det(2 pi e C_k)).
   *
   * Cost: K evaluations of the rule per evaluate(), each node costing one
   * Phi_R (and derivative) evaluation and O(K d^2) for r_k.
   */
  class MixtureClosureModel : public ClosureModel
  {
  public:
    /// The closure of @p potential (kept by reference) with the initial
    /// weights @p weights (normalized here) moved by @p flow, expectations
    /// by @p rule in @p form. The weights evaluate() uses are those of the
    /// states (ClosureState::weight).
    MixtureClosureModel(
      const Potential           &potential,
      const std::vector<double> &weights,
      const StandardCubature    &rule,
      const ExpectationForm      form,
      const MixtureWeightFlow    flow = MixtureWeightFlow::fixed);

    /// K.
    unsigned int
    n_components() const override;

    /// g_k = E_k[grad psi_k], H_k = E_k[Hess psi_k], phi_k = E_k[psi_k].
    std::vector<GaussianExpectations>
    evaluate(const std::vector<ClosureState> &states) const override;

    /// sum_k w_k (E_k[psi_k] - 1/2 ln det(2 pi e C_k)), w_k of the states.
    double
    free_energy(const std::vector<ClosureState>         &states,
                const std::vector<GaussianExpectations> &e) const override;

    /// K times the rule's evaluations.
    unsigned int
    evaluations_per_call() const override;

    /// The normalized initial weights.
    const std::vector<double> &
    weights() const;

    /// weights().
    std::vector<double>
    initial_weights() const override;

    /// flow == MixtureWeightFlow::fisher_rao.
    bool
    weights_evolve() const override;

  private:
    const Potential        &potential;
    std::vector<double>     w;
    const StandardCubature  rule;
    const ExpectationForm   form;
    const MixtureWeightFlow flow;
  };

  /// ln p(u) of the mixture sum_k @p weights[k] N(m_k, C_k) of @p states.
  double
  mixture_log_density(const std::vector<double>             &weights,
                      const std::vector<ClosureState>       &states,
                      const dealii::ArrayView<const double> &u);

  /// The mean and covariance of the mixture (the law of total covariance).
  std::pair<DenseVector, DenseMatrix>
  mixture_moments(const std::vector<double>       &weights,
                  const std::vector<ClosureState> &states);
} // namespace kwfp

#endif
