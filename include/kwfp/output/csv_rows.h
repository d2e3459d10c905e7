#ifndef kwfp_output_csv_rows_h
#define kwfp_output_csv_rows_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/output/csv_log.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>

namespace kwfp
{
  /**
   * Open the CSV file @p filename with the header line @p header for
   * writing rows (on the writing rank only).
   *
   * Without @p resume_rows the file is created anew with the header. With
   * it (a run resumed from a checkpoint) the file must exist with that
   * header and at least that many rows; the rows after them (written
   * after the checkpoint) are removed, atomically, and the file is
   * continued. Throws InputError (Output/Directory) when the file cannot
   * be written, RunFailure when it does not match the checkpoint.
   */
  void
  open_csv(std::ofstream                      &file,
           const std::string                  &filename,
           const std::string                  &header,
           const std::optional<std::uint64_t> &resume_rows);

  /**
   * Write @p x to @p out as every CSV file of kwfp writes a number: 17
   * significant digits (printf's %.17g), which read back to the same
   * double; preceded by a comma when @p separated.
   */
  void
  write_csv_number(std::ostream &out,
                   const double  x,
                   const bool    separated = true);

  /**
   * Write the moment columns of moment_columns() (output/diagnostics_csv.h)
   * for @p mean and @p covariance: ",m_1,..,m_d,C_11,C_12,..,C_dd" (the
   * upper triangle row by row), each number as write_csv_number() writes it.
   */
  void
  write_csv_moments(std::ostream      &out,
                    const DenseVector &mean,
                    const DenseMatrix &covariance);

  /**
   * Begin a row of @p log (CsvLog::begin_row()) with the columns
   * `step,time,dt` that diagnostics.csv and particles.csv begin with: the
   * stream for the rest of the row, or nullptr on the processes that hold
   * no file.
   */
  std::ostream *
  begin_step_row(CsvLog             &log,
                 const std::uint64_t step,
                 const double        time,
                 const double        dt);
} // namespace kwfp

#endif
