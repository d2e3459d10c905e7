#ifndef kwfp_fokker_planck_bdf_coefficients_h
#define kwfp_fokker_planck_bdf_coefficients_h

#include <deal.II/base/exceptions.h>

namespace kwfp
{
  /**
   * @brief The coefficients of one variable-step BDF2 step (BDF1 for
   * omega = 0), doc/numerics.md "Time":
   *
   *   alpha rho^{n+1} - (beta_0 rho^n + beta_1 rho^{n-1}) = dt f(rho^{n+1}),
   *   alpha = (1 + 2 omega) / (1 + omega), beta_0 = 1 + omega,
   *   beta_1 = -omega^2 / (1 + omega),
   *
   * with omega = dt_n / dt_{n-1}; omega = 1 gives 3/2 rho^{n+1} - 2 rho^n +
   * rho^{n-1}/2. Also the weights of rho^{n+1} extrapolated from rho^n,
   * rho^{n-1} and, when omega_before = dt_{n-1} / dt_{n-2} > 0, rho^{n-2}
   * (Lagrange at t_{n+1}: the initial guess of the linear solver), and of
   * C extrapolated linearly, (1 + omega) C^n - omega C^{n-1}.
   */
  struct BdfCoefficients
  {
    /// The step with ratios @p omega (0: BDF1) and @p omega_before.
    BdfCoefficients(const double omega, const double omega_before)
      : omega(omega)
      , bdf2(omega > 0)
      , alpha(bdf2 ? (1 + 2 * omega) / (1 + omega) : 1.0)
      , beta_0(1 + omega)
      , beta_1(-omega * omega / (1 + omega))
      , quadratic_guess(bdf2 && omega_before > 0)
    {
      Assert(omega >= 0 && omega_before >= 0,
             dealii::ExcMessage("the step ratios of BDF2 must be >= 0"));
      if (quadratic_guess)
        {
          // Nodes t_n, t_n - k1, t_n - k1 - k2 in units of dt (k0 = 1).
          const double k0 = 1, k1 = 1 / omega, k2 = k1 / omega_before;
          guess[0] = (k0 + k1) * (k0 + k1 + k2) / (k1 * (k1 + k2));
          guess[1] = -k0 * (k0 + k1 + k2) / (k1 * k2);
          guess[2] = k0 * (k0 + k1) / ((k1 + k2) * k2);
        }
      else
        {
          guess[0] = 1 + omega;
          guess[1] = -omega;
        }
    }

    double omega;  ///< dt_n / dt_{n-1}, 0 for BDF1
    bool   bdf2;   ///< omega > 0
    double alpha;  ///< of rho^{n+1}
    double beta_0; ///< of rho^n in the history (BDF2)
    double beta_1; ///< of rho^{n-1} in the history (BDF2)
    /// The initial guess uses rho^{n-2} (weights guess[0..2]), else rho^n
    /// and rho^{n-1} (guess[0..1], linear); BDF1 starts from rho^n.
    bool   quadratic_guess;
    double guess[3] = {1, 0, 0}; ///< of rho^n, rho^{n-1}, rho^{n-2}
  };
} // namespace kwfp

#endif
