#ifndef kwfp_gaussian_closure_rosenbrock_step_h
#define kwfp_gaussian_closure_rosenbrock_step_h

#include <kwfp/gaussian_closure/closure_model.h>
#include <kwfp/gaussian_closure/closure_state.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>

#include <string>
#include <vector>

namespace kwfp
{
  /// What one step of rosenbrock_step() produced.
  struct RosenbrockStepResult
  {
    /// The stage and the new state are finite with SPD precision.
    bool valid = false;
    /// Why not, when !valid.
    std::string reason;
    /// y_{n+1}, one state per component (only when valid).
    std::vector<ClosureState> states;
    /**
     * The embedded error estimate y_{n+1} - y~_{n+1} = h/2 (k_1 + k_2) in
     * the state's own (affine-invariant) norm:
     * max(|E_m|_{C_n}, ||L_n^T E_P L_n||_F), |v|_C^2 = v^T C^{-1} v
     * (the largest over the components), and when the weights evolve that
     * of the log-weights E_l in the Fisher-Rao norm
     * (sum_k w_k (E_l,k - sum_j w_j E_l,j)^2)^{1/2}.
     */
    double error = 0;
  };

  /**
   * @brief One step of a closure (ClosureModel; for one Gaussian the
   * ClosureDerivative) in (m_k, P_k) by the
   * two-stage Rosenbrock-W method ROS2 (Verwer, Spee, Blom and Hundsdorfer
   * 1999), gamma = 1 + 1/sqrt(2):
   *   (I - gamma h J) k_1 = F(y_n),
   *   (I - gamma h J) k_2 = F(y_n + h k_1) - 2 k_1,
   *   y_{n+1} = y_n + 3/2 h k_1 + 1/2 h k_2,
   * second order for every matrix J (a W-method), L-stable when J is the
   * Jacobian, with the embedded first-order solution y~ = y_n + h k_1.
   * J is block diagonal (per component, and within it): -C_n H_n for the
   * mean, H_n = E[Hess Phi_R](y_n) for one Gaussian (the exact
   * d(-C E[grad Phi_R])/dm, which removes the stiffness of a wide Gaussian
   * contracting to a narrow target: the mean's rates C H reach 1e4 in the
   * elliptic example) and -2 I for the precision. The mean stages solve
   * with P_n + gamma h E[Hess Phi_R](y_n).
   *
   * Why C stays SPD: with J_PP = -2 I the precision update is
   *   P_{n+1} = alpha P_n + beta H_n + delta H_s,
   * H = E[Hess Phi_R] at y_n and at the stage, with alpha, beta, delta > 0
   * for every h > 0 (alpha + beta + delta = 1), and the stage precision is
   * P_s = (1 - 2ha) P_n + 2ha H_n, a = 1/(1 + 2 gamma h), 1 - 2ha > 0
   * (computed symbolically; the test
   * RosenbrockStep.PrecisionIsAConvexCombination checks it). So P_{n+1}, and
   * C_{n+1} = P_{n+1}^{-1}, are SPD whatever the step whenever the expected
   * Hessians are positive semi-definite (convex Phi_R, or any Phi_R with a
   * cubature of positive weights and a positive semi-definite Hessian at the
   * nodes). Where they are not (a non-convex Phi_R, a wide Gaussian), the stage
   * and the result are checked by Cholesky and the step is reported invalid:
   * the adaptive control then shortens it (for small h, P_{n+1} = P_n + O(h) is
   * SPD).
   *
   * When the model's weights evolve (ClosureModel::weights_evolve()), the
   * log-weights l_k = ln w_k are a further block of the state, with
   * J = -I; the weights of the stage and of y_{n+1} are exp(l_k) / sum_j
   * exp(l_j) (see the source for why this is exact); otherwise the weights
   * are copied.
   *
   * Cost: one evaluation of the model at the stage (the one at y_n,
   * @p at_start, is the previous step's), per component two d x d LU
   * solves and two Cholesky factorizations (d^3).
   */
  RosenbrockStepResult
  rosenbrock_step(const ClosureModel                      &model,
                  const std::vector<ClosureState>         &states,
                  const std::vector<GaussianExpectations> &at_start,
                  const double                             h);

  /// rosenbrock_step() of the Gaussian closure (one component) with the
  /// expectations of @p expectation.
  RosenbrockStepResult
  rosenbrock_step(const GaussianExpectation  &expectation,
                  const ClosureState         &state,
                  const GaussianExpectations &at_start,
                  const double                h);

  /// gamma = 1 + 1/sqrt(2) of ROS2.
  constexpr double rosenbrock_gamma = 1.7071067811865475244;
} // namespace kwfp

#endif
