#ifndef kwfp_fokker_planck_kl_decay_h
#define kwfp_fokker_planck_kl_decay_h

#include <kwfp/output/diagnostics_csv.h>

#include <limits>
#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief The KL decay of a finite-element run (Section 4.1 of
   * Garbuno-Inigo et al. 2020), from its diagnostics rows:
   * - the dissipation defect of each step, from (4.6) d/dt KL = -I_C:
   *     defect_n = |(KL_{n-1} - KL_n) - dt (I_C,n-1 + I_C,n) / 2|,
   *   relative to the drop KL_{n-1} - KL_n;
   * - the decay rate fitted to KL over a window [t_1, t_2] (least squares
   *   of ln KL against t), the same fit of the exact KL when a closed form
   *   is known, and for a quadratic Phi_R the bound of Proposition 2:
   *   rate >= 2 alpha lambda with C >= alpha I on the window and
   *   D^2 Phi_R >= lambda I.
   */
  struct KlDecaySummary
  {
    /// The rate r of KL ~ e^{-r t} fitted over the window.
    double fitted_rate = std::numeric_limits<double>::quiet_NaN();
    /// The same fit of the closed-form KL (NaN without a closed form).
    double exact_rate = std::numeric_limits<double>::quiet_NaN();
    /// 2 alpha lambda of Proposition 2 (NaN when Phi_R is not quadratic).
    double bound_rate = std::numeric_limits<double>::quiet_NaN();
    /// Largest relative dissipation defect over the steps whose KL drop is
    /// at least 1e-8 of the first KL.
    double max_relative_defect = 0;
    /// Step of the largest relative defect.
    unsigned int max_defect_step = 0;
  };

  /**
   * @brief What the KL-decay analysis keeps of one step (48 bytes, so that
   * a long run's memory stays flat): the KL divergence, the Kalman-Fisher
   * information I_C, the closed form's KL (NaN without one) and alpha, the
   * smallest eigenvalue of the diffusion matrix, at that step.
   */
  struct KlDecaySample
  {
    unsigned int step          = 0; ///< the step
    double       time          = 0; ///< t_n
    double       kl            = 0; ///< KL(rho_h || rho_inf)
    double       kalman_fisher = 0; ///< I_C(rho_h), (4.6)
    /// KL of the closed form (NaN without one)
    double kl_exact = std::numeric_limits<double>::quiet_NaN();
    double alpha    = 0; ///< smallest eigenvalue of the diffusion matrix
  };

  /// Write @p sample to or read it from a checkpoint.
  template <class Stream, class Sample>
  void
  transfer_kl_decay_sample(Stream &s, Sample &sample)
  {
    s.io(sample.step);
    s.io(sample.time);
    s.io(sample.kl);
    s.io(sample.kalman_fisher);
    s.io(sample.kl_exact);
    s.io(sample.alpha);
  }

  /**
   * Analyse @p samples (step 0 first) over the fit window [@p fit_begin,
   * @p fit_end]; @p hessian_bound is lambda (NaN if unknown).
   * Writes `kl_decay.csv` to @p filename when @p is_writer: header
   * `step,time,kl,kalman_fisher,kl_drop,dissipation,defect,relative_defect,`
   * `fitted_rate,exact_rate,bound_rate` (the last three the same on every
   * row, NaN where unknown), through a temporary file.
   */
  KlDecaySummary
  analyse_kl_decay(const std::vector<KlDecaySample> &samples,
                   const double                      fit_begin,
                   const double                      fit_end,
                   const double                      hessian_bound,
                   const std::string                &filename,
                   const bool                        is_writer);

  /**
   * The least-squares slope -r of ln y against t over the rows with
   * t in [t_1, t_2] and y > 0: the rate r of y ~ e^{-r t}. NaN with fewer
   * than 3 such rows.
   */
  double
  fitted_decay_rate(const std::vector<double> &t,
                    const std::vector<double> &y,
                    const double               t_1,
                    const double               t_2);
} // namespace kwfp

#endif
