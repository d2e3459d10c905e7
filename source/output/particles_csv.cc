#include <kwfp/base/errors.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/output/diagnostics_csv.h>
#include <kwfp/output/particles_csv.h>

#include <cstdio>

namespace kwfp
{
  ParticlesCsv::ParticlesCsv(const std::string &filename,
                             const unsigned int dimension,
                             const bool         has_forward_model,
                             const bool         has_exact,
                             const bool         is_writer,
                             const std::optional<std::uint64_t> &resume_rows)
    : MomentCsvLog(filename,
                   header(dimension, has_forward_model, has_exact),
                   dimension,
                   has_exact,
                   is_writer,
                   resume_rows)
    , has_forward_model(has_forward_model)
  {}


  std::string
  ParticlesCsv::header(const unsigned int dimension,
                       const bool         has_forward_model,
                       const bool         has_exact)
  {
    std::string h = "step,time,dt,n_particles" + moment_columns(dimension) +
                    ",phi_r_at_mean,mean_phi_r";
    if (has_forward_model)
      h += ",misfit_at_mean,mean_misfit,d_norm";
    if (has_exact)
      h += ",mean_error,cov_error";
    return h;
  }


  void
  ParticlesCsv::write(const ParticlesRow &row)
  {
    AssertDimension(row.mean.size(), dimension);
    std::ostream *const file = begin_step_row(log, row.step, row.time, row.dt);
    if (!file)
      return;
    const auto number = [&](const double x) { write_csv_number(*file, x); };
    *file << ',' << row.n_particles;
    write_csv_moments(*file, row.mean, row.covariance);
    number(row.phi_r_at_mean);
    number(row.mean_phi_r);
    if (has_forward_model)
      {
        number(row.misfit_at_mean);
        number(row.mean_misfit);
        number(row.d_norm);
      }
    if (has_exact)
      {
        number(row.mean_error);
        number(row.cov_error);
      }
    log.end_row();
  }
} // namespace kwfp
