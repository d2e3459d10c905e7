#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/output/diagnostics_csv.h>
#include <kwfp/output/posterior_table.h>

#include <cstdio>

namespace kwfp
{
  void
  PosteriorTable::add(const std::string &method,
                      const DenseVector &mean,
                      const DenseMatrix &covariance,
                      const std::string &note)
  {
    rows.push_back({method, mean, covariance, note});
  }


  bool
  PosteriorTable::empty() const
  {
    return rows.empty();
  }


  void
  PosteriorTable::write(const std::string &directory) const
  {
    if (rows.empty())
      return;
    const unsigned int d = rows.front().mean.size();
    write_atomically(directory + "/posterior_table.csv",
                     [&](std::ostream &out) {
                       out << "method" << moment_columns(d) << ",note\n";
                       for (const Row &r : rows)
                         {
                           out << r.method;
                           write_csv_moments(out, r.mean, r.covariance);
                           out << ",\"" << r.note << "\"\n";
                         }
                     });
    write_atomically(directory + "/posterior_table.md", [&](std::ostream &out) {
      out << "| method |";
      for (unsigned int a = 0; a < d; ++a)
        out << " mean " << a + 1 << " |";
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = a; b < d; ++b)
          out << " cov " << a + 1 << b + 1 << " |";
      out << " note |\n|---|";
      for (unsigned int k = 0; k < d + d * (d + 1) / 2; ++k)
        out << "---:|";
      out << "---|\n";
      const auto number =
        [](std::ostream &out, const double x, const char *format) {
          char buffer[40];
          std::snprintf(buffer, sizeof(buffer), format, x);
          out << buffer;
        };
      for (const Row &r : rows)
        {
          out << "| " << r.method << " |";
          for (unsigned int a = 0; a < d; ++a)
            number(out, r.mean[a], " %.5f |");
          for (unsigned int a = 0; a < d; ++a)
            for (unsigned int b = a; b < d; ++b)
              number(out, r.covariance(a, b), " %.5f |");
          out << " " << r.note << " |\n";
        }
    });
  }
} // namespace kwfp
