#ifndef kwfp_gaussian_closure_closure_state_h
#define kwfp_gaussian_closure_closure_state_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>

namespace kwfp
{
  /**
   * @brief The state N(m, C) of the Gaussian closure, with the precision
   * P = C^{-1} (the variable the integrator advances) and the Cholesky
   * factor L of C (C = L L^T); in a Gaussian-mixture closure also the
   * component's mixing weight w_k (1 for one Gaussian).
   */
  struct ClosureState
  {
    DenseVector mean;       ///< m
    DenseMatrix covariance; ///< C
    DenseMatrix precision;  ///< P = C^{-1}
    DenseMatrix cholesky;   ///< L, C = L L^T
    /// w_k of p = sum_k w_k N(m_k, C_k) (the weights of the components
    /// sum to 1; ClosureIntegrator sets them from
    /// ClosureModel::initial_weights()).
    double weight = 1;

    /// The state with mean @p m and precision @p P; throws
    /// std::domain_error when P is not SPD.
    static ClosureState
    from_precision(const DenseVector &m, const DenseMatrix &P);

    /// The state with mean @p m and covariance @p C; throws
    /// std::domain_error when C is not SPD.
    static ClosureState
    from_covariance(const DenseVector &m, const DenseMatrix &C);
  };

  /**
   * @brief The closure's vector field in the variables (m, P):
   *   dm/dt = -C E[grad Phi_R],                                  (MATH.md 8)
   *   dP/dt = -P (dC/dt) P = -2P + 2 E[Hess Phi_R],
   * the second from dC/dt = 2C - 2C E[Hess Phi_R] C. For a quadratic
   * Phi_R = 1/2 |u - u_0|^2_B, E[Hess Phi_R] = B^{-1} and these are (4.11);
   * the precision equation is then linear with the solution (4.14).
   */
  struct ClosureDerivative
  {
    DenseVector mean;      ///< dm/dt
    DenseMatrix precision; ///< dP/dt

    /// The derivative at @p state with the expectations @p e there.
    static ClosureDerivative
    at(const ClosureState &state, const GaussianExpectations &e);
  };

  /**
   * The free energy F(m, C) = E[Phi_R] - 1/2 ln det(2 pi e C) of N(m, C),
   * i.e. KL(N(m, C) || exp(-Phi_R)/Z) - ln Z (MATH.md Section 8); it
   * decreases along the closure. @p expected_phi is E[Phi_R].
   */
  double
  closure_free_energy(const ClosureState &state, const double expected_phi);
} // namespace kwfp

#endif
