#include <kwfp/output/csv_log.h>
#include <kwfp/output/csv_rows.h>

namespace kwfp
{
  CsvLog::CsvLog(const std::string                  &filename,
                 const std::string                  &header,
                 const bool                          is_writer,
                 const std::optional<std::uint64_t> &resume_rows)
    : n_rows(resume_rows.value_or(0))
  {
    if (is_writer)
      open_csv(file, filename, header, resume_rows);
  }


  std::ostream *
  CsvLog::begin_row()
  {
    ++n_rows;
    return file.is_open() ? &file : nullptr;
  }


  void
  CsvLog::end_row()
  {
    file << '\n' << std::flush;
  }


  MomentCsvLog::MomentCsvLog(const std::string                  &filename,
                             const std::string                  &header,
                             const unsigned int                  dimension,
                             const bool                          has_exact,
                             const bool                          is_writer,
                             const std::optional<std::uint64_t> &resume_rows)
    : dimension(dimension)
    , has_exact(has_exact)
    , log(filename, header, is_writer, resume_rows)
  {}
} // namespace kwfp
