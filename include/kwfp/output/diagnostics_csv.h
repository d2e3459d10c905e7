#ifndef kwfp_output_diagnostics_csv_h
#define kwfp_output_diagnostics_csv_h

#include <kwfp/base/dense_algebra.h>

#include <fstream>
#include <string>

namespace kwfp
{
  /// One row of diagnostics.csv: the state of the density after a step.
  struct DiagnosticsRow
  {
    unsigned int step        = 0;
    double       time        = 0;
    double       dt          = 0;
    double       mass        = 0;
    double       min_density = 0;
    DenseVector  mean;
    DenseMatrix  covariance;
    double       kl            = 0;
    double       kalman_fisher = 0;
    double       l1_stationary = 0;
    /// Errors against the closed form; only when has_exact.
    bool        has_exact  = false;
    double      l1_error   = 0;
    double      l2_error   = 0;
    double      mean_error = 0; ///< Euclidean norm of m_h - m
    double      cov_error  = 0; ///< Frobenius norm of C_h - C
    double      kl_exact = 0; ///< KL(rho(t) || rho_inf) of the exact Gaussians
    DenseVector exact_mean;   ///< m(t) of the closed form
    DenseMatrix exact_covariance; ///< C(t) of the closed form
  };

  /**
   * The moment columns ",mean_1,..,mean_d,cov_1_1,cov_1_2,..,cov_d_d" (upper
   * triangle row by row), shared by diagnostics.csv and particles.csv.
   */
  std::string
  moment_columns(const unsigned int dimension);

  /**
   * @brief diagnostics.csv: header
   * `step,time,dt,mass,min_density,mean_1..mean_d,cov_11,cov_12,..,cov_dd`
   * (upper triangle, row by row), `kl,kalman_fisher,l1_stationary`, and with a closed form
   * `l1_error,l2_error,mean_error,cov_error,kl_exact`, followed by the exact
   * moments `exact_mean_1..,exact_cov_1_1,..`. Written by one process
   * (the others hold no file), one row per step, flushed at once, numbers
   * with 17 significant digits.
   */
  class DiagnosticsCsv
  {
  public:
    DiagnosticsCsv(const std::string &filename,
                   const unsigned int dimension,
                   const bool         has_exact,
                   const bool         is_writer);

    void
    write(const DiagnosticsRow &row);

    /// The header line for @p dimension (without newline).
    static std::string
    header(const unsigned int dimension, const bool has_exact);

  private:
    const unsigned int dimension;
    const bool         has_exact;
    std::ofstream      file;
  };
} // namespace kwfp

#endif
