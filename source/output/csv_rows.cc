#include <kwfp/base/errors.h>
#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>

#include <cstdio>
#include <vector>

namespace kwfp
{
  void
  open_csv(std::ofstream                      &file,
           const std::string                  &filename,
           const std::string                  &header,
           const std::optional<std::uint64_t> &resume_rows)
  {
    if (resume_rows)
      {
        std::ifstream            in(filename);
        std::string              line;
        std::vector<std::string> kept;
        if (!std::getline(in, line) || line != header)
          throw RunFailure("'" + filename +
                           "' is missing or has another header than the "
                           "checkpoint's run; cannot resume");
        while (kept.size() < *resume_rows && std::getline(in, line))
          kept.push_back(line);
        if (kept.size() < *resume_rows)
          throw RunFailure(
            "'" + filename + "' has " + std::to_string(kept.size()) +
            " rows, fewer than the " + std::to_string(*resume_rows) +
            " the checkpoint wrote; cannot resume");
        in.close();
        write_atomically(filename, [&](std::ostream &out) {
          out << header << '\n';
          for (const std::string &row : kept)
            out << row << '\n';
        });
        file.open(filename, std::ios::app);
      }
    else
      file.open(filename);
    if (!file)
      throw InputError("Output/Directory", "cannot write '" + filename + "'");
    if (!resume_rows)
      file << header << '\n' << std::flush;
  }


  void
  write_csv_number(std::ostream &out, const double x, const bool separated)
  {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), separated ? ",%.17g" : "%.17g", x);
    out << buffer;
  }


  void
  write_csv_moments(std::ostream      &out,
                    const DenseVector &mean,
                    const DenseMatrix &covariance)
  {
    const unsigned int d = mean.size();
    AssertDimension(covariance.m(), d);
    for (unsigned int a = 0; a < d; ++a)
      write_csv_number(out, mean[a]);
    for (unsigned int a = 0; a < d; ++a)
      for (unsigned int b = a; b < d; ++b)
        write_csv_number(out, covariance(a, b));
  }


  std::ostream *
  begin_step_row(CsvLog             &log,
                 const std::uint64_t step,
                 const double        time,
                 const double        dt)
  {
    std::ostream *const file = log.begin_row();
    if (file)
      {
        *file << step;
        write_csv_number(*file, time);
        write_csv_number(*file, dt);
      }
    return file;
  }
} // namespace kwfp
