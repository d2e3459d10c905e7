#include <kwfp/base/errors.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/output/diagnostics_csv.h>

#include <cstdio>

namespace kwfp
{
  DiagnosticsCsv::DiagnosticsCsv(
    const std::string                  &filename,
    const unsigned int                  dimension,
    const bool                          has_exact,
    const bool                          is_writer,
    const std::optional<std::uint64_t> &resume_rows)
    : MomentCsvLog(filename,
                   header(dimension, has_exact),
                   dimension,
                   has_exact,
                   is_writer,
                   resume_rows)
  {}


  std::string
  DiagnosticsCsv::header(const unsigned int dimension, const bool has_exact)
  {
    std::string h = "step,time,dt,mass,min_density" + moment_columns(dimension);
    h += ",kl,kalman_fisher,l1_stationary";
    if (has_exact)
      {
        h += ",l1_error,l2_error,mean_error,cov_error,kl_exact";
        std::string exact = moment_columns(dimension);
        std::size_t at    = 0;
        while ((at = exact.find(",", at)) != std::string::npos)
          {
            exact.insert(at + 1, "exact_");
            at += 7;
          }
        h += exact;
      }
    return h;
  }


  std::string
  moment_columns(const unsigned int dimension)
  {
    std::string h;
    for (unsigned int a = 0; a < dimension; ++a)
      h += ",mean_" + std::to_string(a + 1);
    for (unsigned int a = 0; a < dimension; ++a)
      for (unsigned int b = a; b < dimension; ++b)
        h += ",cov_" + std::to_string(a + 1) + "_" + std::to_string(b + 1);
    return h;
  }


  void
  DiagnosticsCsv::write(const DiagnosticsRow &row)
  {
    AssertDimension(row.mean.size(), dimension);
    std::ostream *const file = begin_step_row(log, row.step, row.time, row.dt);
    if (!file)
      return;
    const auto number = [&](const double x) { write_csv_number(*file, x); };
    number(row.mass);
    number(row.min_density);
    write_csv_moments(*file, row.mean, row.covariance);
    number(row.kl);
    number(row.kalman_fisher);
    number(row.l1_stationary);
    if (has_exact)
      {
        number(row.l1_error);
        number(row.l2_error);
        number(row.mean_error);
        number(row.cov_error);
        number(row.kl_exact);
        write_csv_moments(*file, row.exact_mean, row.exact_covariance);
      }
    log.end_row();
  }
} // namespace kwfp
