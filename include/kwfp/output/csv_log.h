#ifndef kwfp_output_csv_log_h
#define kwfp_output_csv_log_h

#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>

namespace kwfp
{
  /**
   * @brief A CSV file to which a run appends one row at a time: held by one
   * process (the others only count the rows), created with its header or,
   * for a resumed run, continued after the rows its checkpoint recorded
   * (open_csv()); every row is flushed at once, so that the file is
   * complete up to the last step whatever stops the run.
   */
  class CsvLog
  {
  public:
    /// Open @p filename with @p header on the writing process (@p is_writer);
    /// @p resume_rows keeps that many rows of an existing file.
    CsvLog(const std::string                  &filename,
           const std::string                  &header,
           const bool                          is_writer,
           const std::optional<std::uint64_t> &resume_rows = {});

    /// The rows written (on every process, also those that hold no file).
    std::uint64_t
    rows() const
    {
      return n_rows;
    }

    /**
     * Count a new row and return the stream to write it to, or nullptr on
     * the processes that hold no file. A row begun with a stream must be
     * ended with end_row().
     */
    std::ostream *
    begin_row();

    /// End the row begun last: a newline, and flush.
    void
    end_row();

  private:
    std::ofstream file;
    std::uint64_t n_rows = 0;
  };

  /**
   * @brief The part that diagnostics.csv and particles.csv share: a CsvLog
   * of the moments of a distribution on R^d, one row per step, with the
   * errors against a closed form when there is one.
   */
  class MomentCsvLog
  {
  public:
    /// The rows written (on every rank, also those that hold no file).
    std::uint64_t
    rows() const
    {
      return log.rows();
    }

  protected:
    /// Open @p filename with @p header (CsvLog) for the moments in
    /// @p dimension dimensions, with the error columns when @p has_exact.
    MomentCsvLog(const std::string                  &filename,
                 const std::string                  &header,
                 const unsigned int                  dimension,
                 const bool                          has_exact,
                 const bool                          is_writer,
                 const std::optional<std::uint64_t> &resume_rows);

    /// d, the length of the mean.
    const unsigned int dimension;
    /// Whether the rows have the error columns of a closed form.
    const bool has_exact;
    /// The file (on the writing rank) and the rows written.
    CsvLog log;
  };
} // namespace kwfp

#endif
