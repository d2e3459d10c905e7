#ifndef kwfp_output_diagnostics_csv_h
#define kwfp_output_diagnostics_csv_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/output/csv_log.h>

#include <cstdint>
#include <optional>
#include <string>

namespace kwfp
{
  /// One row of diagnostics.csv: the state of the density after a step.
  struct DiagnosticsRow
  {
    unsigned int step = 0; ///< time step number n (0: the initial density)
    double       time = 0; ///< t_n
    double       dt   = 0; ///< t_n - t_{n-1} (0 at step 0)
    double       mass = 0; ///< int rho_h
    double       min_density = 0;   ///< the smallest nodal value of rho_h
    DenseVector  mean;              ///< m(rho_h)
    DenseMatrix  covariance;        ///< C(rho_h), (3.6)
    double       kl            = 0; ///< KL(rho_h || rho_inf)
    double       kalman_fisher = 0; ///< I_C(rho_h) of (4.6)
    double       l1_stationary = 0; ///< int |rho_h - rho_inf|
    /// Errors against the closed form; only when has_exact.
    bool        has_exact  = false;
    double      l1_error   = 0; ///< int |rho_h - rho|
    double      l2_error   = 0; ///< (int (rho_h - rho)^2)^{1/2}
    double      mean_error = 0; ///< Euclidean norm of m_h - m
    double      cov_error  = 0; ///< Frobenius norm of C_h - C
    double      kl_exact = 0; ///< KL(rho(t) || rho_inf) of the exact Gaussians
    DenseVector exact_mean;   ///< m(t) of the closed form
    DenseMatrix exact_covariance; ///< C(t) of the closed form
  };

  /// Write @p row to or read it from a checkpoint (CheckpointWriter/Reader).
  template <class Stream, class Row>
  void
  transfer_diagnostics_row(Stream &s, Row &row)
  {
    s.io(row.step);
    s.io(row.time);
    s.io(row.dt);
    s.io(row.mass);
    s.io(row.min_density);
    s.io(row.mean);
    s.io(row.covariance);
    s.io(row.kl);
    s.io(row.kalman_fisher);
    s.io(row.l1_stationary);
    s.io(row.has_exact);
    s.io(row.l1_error);
    s.io(row.l2_error);
    s.io(row.mean_error);
    s.io(row.cov_error);
    s.io(row.kl_exact);
    s.io(row.exact_mean);
    s.io(row.exact_covariance);
  }

  /**
   * The moment columns ",mean_1,..,mean_d,cov_1_1,cov_1_2,..,cov_d_d" (upper
   * triangle row by row), shared by diagnostics.csv and particles.csv.
   */
  std::string
  moment_columns(const unsigned int dimension);

  /**
   * @brief diagnostics.csv: header
   * `step,time,dt,mass,min_density,mean_1..mean_d,cov_11,cov_12,..,cov_dd`
   * (upper triangle, row by row), `kl,kalman_fisher,l1_stationary`, and with a
   * closed form `l1_error,l2_error,mean_error,cov_error,kl_exact`, followed by
   * the exact moments `exact_mean_1..,exact_cov_1_1,..`. Written by one process
   * (the others hold no file), one row per step, flushed at once, numbers
   * with 17 significant digits.
   */
  class DiagnosticsCsv : public MomentCsvLog
  {
  public:
    /// Open @p filename on the writing rank; @p resume_rows keeps that many
    /// rows of an existing file (resume).
    DiagnosticsCsv(const std::string                  &filename,
                   const unsigned int                  dimension,
                   const bool                          has_exact,
                   const bool                          is_writer,
                   const std::optional<std::uint64_t> &resume_rows = {});

    /// Append @p row and flush.
    void
    write(const DiagnosticsRow &row);

    /// The header line for @p dimension (without newline).
    static std::string
    header(const unsigned int dimension, const bool has_exact);
  };
} // namespace kwfp

#endif
