#ifndef kwfp_gaussian_closure_gaussian_expectations_h
#define kwfp_gaussian_closure_gaussian_expectations_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/named_selection.h>
#include <kwfp/forward_model/inverse_problem.h>
#include <kwfp/gaussian_closure/cubature.h>
#include <kwfp/potential/potential.h>

namespace kwfp
{
  /**
   * Which derivatives of Phi_R the expectations of the closure use (MATH.md
   * Section 8; Stein's identity E[(u - m) f(u)] = C E[grad f(u)] under
   * u ~ N(m, C)).
   */
  enum class ExpectationForm
  {
    /// E[grad Phi_R] and E[Hess Phi_R] directly (Potential::hessian()).
    hessian,
    /// E[grad Phi_R] directly, E[Hess Phi_R] = C^{-1} E[(u - m)
    /// grad Phi_R^T] (first-order Stein identity), symmetrized.
    gradient,
    /// Only Phi_R: E[grad Phi_R] = C^{-1} E[(u - m) Phi_R] and
    /// E[Hess Phi_R] = C^{-1} E[((u - m)(u - m)^T - C) Phi_R] C^{-1}
    /// (second-order Stein identity).
    derivative_free,
    /// Only the forward map G of an inverse problem (statistical
    /// linearization, the mean field of the ensemble Kalman sampler (3.1)):
    /// with K = C^{-1} C^{uG}, C^{uG} = E[(u - m)(G(u) - E[G])^T],
    /// E[grad Phi_R] ~ K Gamma^{-1} (E[G] - y) + Gamma_0^{-1} (m - m_0) and
    /// E[Hess Phi_R] ~ K Gamma^{-1} K^T + Gamma_0^{-1}; exact for a linear G.
    kalman
  };

  /// The names of ExpectationForm in parameter files.
  const NamedSelection<ExpectationForm> &
  expectation_form_selection();

  /// Expectations of Phi_R and its derivatives under one Gaussian N(m, C).
  struct GaussianExpectations
  {
    double      phi = 0;  ///< E[Phi_R]
    DenseVector gradient; ///< E[grad Phi_R]
    DenseMatrix hessian;  ///< E[Hess Phi_R] (symmetric)
  };

  /**
   * @brief E[Phi_R], E[grad Phi_R] and E[Hess Phi_R] under N(m, C) by a
   * StandardCubature mapped with the Cholesky factor C = L L^T
   * (u_k = m + L xi_k), in the ExpectationForm chosen; the right-hand side
   * of the closure dm/dt = -C E[grad Phi_R], dC/dt = 2C - 2C E[Hess Phi_R] C
   * (MATH.md Section 8).
   *
   * In xi the Stein forms read E[grad Phi_R] = L^{-T} E[xi Phi_R],
   * E[Hess Phi_R] = L^{-T} E[(xi xi^T - I) Phi_R] L^{-1} (derivative-free)
   * and E[Hess Phi_R] = L^{-T} E[xi grad Phi_R^T] (gradient form). In the
   * derivative-free form Phi_R(u_k) - Phi_R(m) replaces Phi_R(u_k) (the
   * same expectations, since E[xi] = 0 and E[xi xi^T - I] = 0, and a
   * smaller Monte Carlo variance; unbiased as Phi_R(m) is not random).
   *
   * Exactness: for a polynomial Phi_R of degree q the hessian form is exact
   * when the rule is exact for degree q - 1 (the gradient; the Hessian has
   * degree q - 2), the gradient form for degree q (xi grad Phi_R^T), the
   * derivative-free form for degree q + 2 (xi xi^T Phi_R). So for a
   * quadratic Phi_R (linear Gaussian problems) the unscented rule (degree 3)
   * is exact in the hessian and gradient forms, but the derivative-free
   * form needs degree 4: Gauss-Hermite with n >= 3 points per axis.
   *
   * The Kalman form (potentials that are an InverseProblemPotential)
   * evaluates only G at the nodes. Its mean rate -C E[grad Phi_R] ~
   * -C^{uG} Gamma^{-1} (E[G] - y) - C Gamma_0^{-1} (m - m_0) is the
   * expectation of the drift of the derivative-free sampler (3.1) (with
   * its ensemble averages replaced by expectations under N(m, C)), and its
   * covariance rate 2C - 2 C^{uG} Gamma^{-1} C^{Gu} - 2 C Gamma_0^{-1} C
   * that of (3.1)'s mean field. By Stein's identity C^{uG} = C E[DG]^T, so
   * K = E[DG]^T and the form replaces E[DG^T Gamma^{-1} (G - y)] by
   * E[DG]^T Gamma^{-1} (E[G] - y), and E[DG^T Gamma^{-1} DG + sum_i
   * (Gamma^{-1} (G - y))_i Hess G_i] by E[DG]^T Gamma^{-1} E[DG]: exact
   * when DG is constant (linear G, where (3.1) and (3.2) coincide). In xi, K =
   * L^{-T} E[xi (G - E[G])^T]: for a linear G a polynomial of degree 2 in xi,
   * so every rule exact for degree 2 (unscented, Smolyak l >= 2, Gauss-Hermite
   * n >= 2) gives the exact closure. E[Hess Phi_R] is then SPD at every state
   * (Gauss-Newton), so C stays SPD for any step.
   */
  class GaussianExpectation
  {
  public:
    /// Expectations of @p potential (kept by reference) by @p rule in the
    /// form @p form. The hessian form needs Potential::has_hessian(), the
    /// Kalman form an InverseProblemPotential (std::invalid_argument).
    GaussianExpectation(const Potential      &potential,
                        StandardCubature      rule,
                        const ExpectationForm form);

    /**
     * The expectations under N(@p mean, @p covariance). Throws
     * std::domain_error if @p covariance is not SPD and RunFailure if Phi_R
     * or its derivatives are not finite at a node (naming it).
     */
    GaussianExpectations
    evaluate(const DenseVector &mean, const DenseMatrix &covariance) const;

    /// Evaluations of Phi_R (and of the derivatives the form uses) per
    /// evaluate().
    unsigned int
    evaluations_per_call() const;

    /// The rule.
    const StandardCubature &
    rule() const;

    /// The form.
    ExpectationForm
    form() const;

  private:
    /// The Kalman form from the nodes @p points = m + L xi_k (n x d).
    GaussianExpectations
    evaluate_kalman(const DenseVector &mean,
                    const DenseMatrix &L,
                    const DenseMatrix &points) const;

    const Potential       &potential;
    const StandardCubature cubature;
    const ExpectationForm  expectation_form;
    /// The inverse problem of the potential (the Kalman form), else null.
    const InverseProblem *problem = nullptr;
  };

  /// x := L^{-T} x for a lower triangular @p L (back substitution).
  void
  solve_lower_transpose(const DenseMatrix &L, DenseVector &x);

  /// X := L^{-T} X, column by column.
  void
  solve_lower_transpose(const DenseMatrix &L, DenseMatrix &X);
} // namespace kwfp

#endif
