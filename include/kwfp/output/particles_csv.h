#ifndef kwfp_output_particles_csv_h
#define kwfp_output_particles_csv_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/output/csv_log.h>

#include <cstdint>
#include <optional>
#include <string>

namespace kwfp
{
  /// One row of particles.csv: the ensemble statistics at one time.
  struct ParticlesRow
  {
    std::uint64_t step        = 0;    ///< step number n
    double        time        = 0;    ///< t_n
    double        dt          = 0;    ///< t_n - t_{n-1}
    std::uint64_t n_particles = 0;    ///< J (after dropped particles)
    DenseVector   mean;               ///< ubar
    DenseMatrix   covariance;         ///< C(U)
    double        phi_r_at_mean  = 0; ///< Phi_R(ubar)
    double        mean_phi_r     = 0; ///< 1/J sum Phi_R(u_j)
    double        misfit_at_mean = 0; ///< Phi(ubar) = 1/2 |y - G(ubar)|^2_Gamma
    double        mean_misfit    = 0; ///< 1/J sum Phi(u_j)
    double        d_norm         = 0; ///< ||D||_F of (5.4)
    /// Errors against the mean-field closed form; only when has_exact.
    bool   has_exact  = false;
    double mean_error = 0; ///< Euclidean norm of ubar - m(t)
    double cov_error  = 0; ///< Frobenius norm of C(U) - C(t)
  };

  /// Write @p row to or read it from a checkpoint (CheckpointWriter/Reader).
  template <class Stream, class Row>
  void
  transfer_particles_row(Stream &s, Row &row)
  {
    s.io(row.step);
    s.io(row.time);
    s.io(row.dt);
    s.io(row.n_particles);
    s.io(row.mean);
    s.io(row.covariance);
    s.io(row.phi_r_at_mean);
    s.io(row.mean_phi_r);
    s.io(row.misfit_at_mean);
    s.io(row.mean_misfit);
    s.io(row.d_norm);
    s.io(row.has_exact);
    s.io(row.mean_error);
    s.io(row.cov_error);
  }

  /**
   * @brief particles.csv: header
   * `step,time,dt,n_particles,mean_1..mean_d,cov_1_1,cov_1_2,..,cov_d_d`
   * (the same moment columns as diagnostics.csv), `phi_r_at_mean,mean_phi_r`,
   * with a forward map `misfit_at_mean,mean_misfit,d_norm`, and when the
   * mean field has a Gaussian closed form `mean_error,cov_error`. One process
   * writes; rows are flushed at once; 17 significant digits.
   */
  class ParticlesCsv : public MomentCsvLog
  {
  public:
    /// Open @p filename on the writing rank; @p resume_rows keeps that many
    /// rows of an existing file (resume).
    ParticlesCsv(const std::string                  &filename,
                 const unsigned int                  dimension,
                 const bool                          has_forward_model,
                 const bool                          has_exact,
                 const bool                          is_writer,
                 const std::optional<std::uint64_t> &resume_rows = {});

    /// Append @p row and flush.
    void
    write(const ParticlesRow &row);

    /// The header line (without newline).
    static std::string
    header(const unsigned int dimension,
           const bool         has_forward_model,
           const bool         has_exact);

  private:
    /// Whether the rows have the columns of a forward map.
    const bool has_forward_model;
  };
} // namespace kwfp

#endif
