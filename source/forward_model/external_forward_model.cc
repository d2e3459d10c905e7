#include <kwfp/base/external_command.h>
#include <kwfp/forward_model/external_forward_model.h>

#include <mpi.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

namespace kwfp
{
  namespace
  {
    /// The calls of all external forward models of this process.
    std::atomic<unsigned long> total_calls{0}, total_points{0};
    std::atomic<long long>     total_microseconds{0};


    /// "(u_1, .., u_d)" of row @p j of @p points, to 17 digits.
    std::string
    format_row(const DenseMatrix &points, const unsigned int j)
    {
      std::ostringstream s;
      s.precision(17);
      s << "(";
      for (unsigned int a = 0; a < points.n(); ++a)
        s << (a > 0 ? ", " : "") << points(j, a);
      s << ")";
      return s.str();
    }


    /// Write @p points as the INPUT file: header u1,..,ud, one row per point.
    void
    write_input(const std::string &file_name, const DenseMatrix &points)
    {
      FILE *file = std::fopen(file_name.c_str(), "w");
      if (file == nullptr)
        throw std::runtime_error("cannot write '" + file_name + "'");
      for (unsigned int a = 0; a < points.n(); ++a)
        std::fprintf(file, "%su%u", a > 0 ? "," : "", a + 1);
      std::fprintf(file, "\n");
      for (unsigned int j = 0; j < points.m(); ++j)
        {
          for (unsigned int a = 0; a < points.n(); ++a)
            std::fprintf(file, "%s%.17g", a > 0 ? "," : "", points(j, a));
          std::fprintf(file, "\n");
        }
      if (std::fclose(file) != 0)
        throw std::runtime_error("cannot write '" + file_name + "'");
    }


    /// The comma-separated fields of @p line, blanks around them removed.
    std::vector<std::string>
    split_fields(const std::string &line)
    {
      std::vector<std::string> fields;
      std::size_t              start = 0;
      while (true)
        {
          const std::size_t comma = line.find(',', start);
          std::string       field = line.substr(start, comma - start);
          const std::size_t first = field.find_first_not_of(" \t\r");
          const std::size_t last  = field.find_last_not_of(" \t\r");
          fields.push_back(first == std::string::npos ?
                             std::string() :
                             field.substr(first, last - first + 1));
          if (comma == std::string::npos)
            break;
          start = comma + 1;
        }
      return fields;
    }


    /// Whether @p field is a number as a whole (strtod); its value in @p x.
    bool
    parse_number(const std::string &field, double &x)
    {
      if (field.empty())
        return false;
      char *end = nullptr;
      errno     = 0;
      x         = std::strtod(field.c_str(), &end);
      return end == field.c_str() + field.size();
    }
  } // namespace


  ExternalForwardModel::ExternalForwardModel(const std::string &command,
                                             const unsigned int dimension,
                                             const unsigned int n_data,
                                             const double       timeout,
                                             const bool jacobian_from_command,
                                             const bool non_finite_allowed)
    : command(command)
    , d(dimension)
    , K(n_data)
    , timeout(timeout)
    , jacobian_from_command(jacobian_from_command)
    , non_finite_allowed(non_finite_allowed)
  {}


  unsigned int
  ExternalForwardModel::width() const
  {
    return jacobian_from_command ? K * (1 + d) : K;
  }


  std::string
  ExternalForwardModel::column_name(const unsigned int c) const
  {
    if (c < K)
      return "G_" + std::to_string(c + 1);
    return "dG_" + std::to_string((c - K) / d + 1) + "/du_" +
           std::to_string((c - K) % d + 1);
  }


  unsigned int
  ExternalForwardModel::dimension() const
  {
    return d;
  }


  unsigned int
  ExternalForwardModel::n_data() const
  {
    return K;
  }


  void
  ExternalForwardModel::evaluate(const dealii::ArrayView<const double> &u,
                                 const dealii::ArrayView<double>       &G) const
  {
    DenseMatrix point(1, d), value;
    for (unsigned int a = 0; a < d; ++a)
      point(0, a) = u[a];
    evaluate_rows(point, value);
    for (unsigned int k = 0; k < K; ++k)
      G[k] = value(0, k);
  }


  void
  ExternalForwardModel::set_parallel_failure(const int          exit_code,
                                             const std::string &prefix)
  {
    parallel_exit_code = exit_code;
    parallel_prefix    = prefix;
  }


  void
  ExternalForwardModel::evaluate_rows(const DenseMatrix &points,
                                      DenseMatrix       &values) const
  {
    if (!jacobian_from_command)
      {
        call_or_stop(points, values);
        return;
      }
    DenseMatrix all; // G and DG
    call_or_stop(points, all);
    values.reinit(points.m(), K);
    for (unsigned int j = 0; j < points.m(); ++j)
      for (unsigned int k = 0; k < K; ++k)
        values(j, k) = all(j, k);
  }


  void
  ExternalForwardModel::call_or_stop(const DenseMatrix &points,
                                     DenseMatrix       &values) const
  {
    std::string message;
    try
      {
        call(points, values);
        return;
      }
    catch (const ExternalCommandFailure &e)
      {
        message = e.what();
      }
    catch (const std::exception &e)
      {
        // the temporary directory, INPUT, starting or waiting for the
        // process
        message = "the external forward model '" + command + "', call " +
                  std::to_string(total_calls.load()) + ": " + e.what();
      }
    int initialized = 0, finalized = 0, n_ranks = 1;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized)
      MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
    if (n_ranks > 1)
      {
        std::cerr << "kwfp: error: " << parallel_prefix << message << std::endl;
        MPI_Abort(MPI_COMM_WORLD, parallel_exit_code);
      }
    throw ExternalCommandFailure(message);
  }


  void
  ExternalForwardModel::call(const DenseMatrix &points,
                             DenseMatrix       &values) const
  {
    const unsigned int n = points.m(), W = width();
    values.reinit(n, W);
    if (n == 0)
      return;
    // numbered over all the external models of this process, as the
    // command sees its runs
    const unsigned long call_number = ++total_calls;
    ++calls;
    points_sent += n;
    total_points += n;

    std::ostringstream where;
    where << "the external forward model '" << command << "', call "
          << call_number << " (" << n << (n == 1 ? " point" : " points")
          << "): ";
    const auto fail = [&](const std::string &what, const std::string &log) {
      std::string       message = where.str() + what;
      const std::string tail    = file_tail(log, 10);
      if (!tail.empty())
        message += "; the command's output ends with:\n" + tail;
      throw ExternalCommandFailure(message);
    };

    const TemporaryDirectory directory("external");
    const std::string        input = directory.file("input.csv"),
                      output       = directory.file("output.csv"),
                      log          = directory.file("log.txt");
    write_input(input, points);
    const CommandOutcome outcome =
      run_command(command + " " + shell_quote(input) + " " +
                    shell_quote(output),
                  timeout,
                  log);
    const auto micro = static_cast<long long>(outcome.seconds * 1e6);
    microseconds += micro;
    total_microseconds += micro;
    if (!outcome.succeeded())
      fail(outcome.describe(timeout), log);

    std::ifstream in(output);
    if (!in)
      fail("it wrote no OUTPUT file (the second file name appended to the "
           "command)",
           log);
    std::string  line;
    unsigned int row = 0, line_number = 0;
    while (std::getline(in, line))
      {
        ++line_number;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
          continue; // blank line
        const std::vector<std::string> fields = split_fields(line);
        double                         x      = 0;
        if (row == 0 && line_number == 1 && !parse_number(fields[0], x))
          continue; // a header
        if (row == n)
          fail("OUTPUT has more than " + std::to_string(n) + " rows (line " +
                 std::to_string(line_number) +
                 ": one row per point of INPUT, in order)",
               log);
        std::ostringstream which;
        which << "row " << row + 1 << " of OUTPUT (line " << line_number
              << ", the point u = " << format_row(points, row) << ")";
        if (fields.size() != W)
          fail(which.str() + " has " + std::to_string(fields.size()) +
                 (fields.size() == 1 ? " column" : " columns") +
                 (jacobian_from_command ?
                    ", expected K (1 + d) = " + std::to_string(W) +
                      ": G_1..G_K, then dG_k/du_i for k = 1..K, i = 1..d "
                      "('External Jacobian = command'; K = the number of "
                      "data 'Data y')" :
                    ", expected K = " + std::to_string(K) +
                      " (the number of data 'Data y')"),
               log);
        for (unsigned int c = 0; c < W; ++c)
          {
            if (!parse_number(fields[c], x))
              fail(which.str() + ", column " + std::to_string(c + 1) + ": '" +
                     fields[c] + "' is not a number",
                   log);
            if (!std::isfinite(x) && !non_finite_allowed)
              fail(which.str() + ", column " + std::to_string(c + 1) + ": " +
                     column_name(c) + " = " + fields[c] + " is not finite",
                   log);
            values(row, c) = x;
          }
        ++row;
      }
    if (row < n)
      {
        std::ostringstream s;
        s << "OUTPUT is short: " << row << " rows for " << n << " points; row "
          << row + 1 << " (the point u = " << format_row(points, row)
          << ") is missing";
        fail(s.str(), log);
      }
  }


  DenseMatrix
  ExternalForwardModel::jacobian(const dealii::ArrayView<const double> &u) const
  {
    DenseMatrix point(1, d), values;
    for (unsigned int a = 0; a < d; ++a)
      point(0, a) = u[a];
    // the point itself is in the call too: the cost is one call either way
    std::vector<DenseMatrix> jacobians;
    evaluate_with_jacobians(point, values, jacobians);
    return jacobians[0];
  }


  void
  ExternalForwardModel::evaluate_with_jacobians(
    const DenseMatrix        &points,
    DenseMatrix              &values,
    std::vector<DenseMatrix> &jacobians) const
  {
    const unsigned int n = points.m();
    // G(u_j): the first K columns of the first n rows of `rows`
    const auto set_values = [&](const DenseMatrix &rows) {
      values.reinit(n, K);
      jacobians.assign(n, DenseMatrix(K, d));
      for (unsigned int j = 0; j < n; ++j)
        for (unsigned int k = 0; k < K; ++k)
          values(j, k) = rows(j, k);
    };
    if (jacobian_from_command)
      {
        // one row per point: G, then DG row by row
        DenseMatrix all;
        call_or_stop(points, all);
        set_values(all);
        for (unsigned int j = 0; j < n; ++j)
          for (unsigned int k = 0; k < K; ++k)
            for (unsigned int i = 0; i < d; ++i)
              jacobians[j](k, i) = all(j, K + k * d + i);
        return;
      }
    // rows: the n points, then for each point u_j the 2d neighbours
    // u_j + h_i e_i, u_j - h_i e_i (i = 1..d), h_i = cbrt(eps) max(1, |u_i|)
    const double scale = std::cbrt(std::numeric_limits<double>::epsilon());
    DenseMatrix  all(n * (1 + 2 * d), d);
    for (unsigned int j = 0; j < n; ++j)
      for (unsigned int a = 0; a < d; ++a)
        {
          all(j, a) = points(j, a);
          for (unsigned int i = 0; i < d; ++i)
            for (unsigned int s = 0; s < 2; ++s)
              all(n + (2 * d) * j + 2 * i + s, a) = points(j, a);
        }
    for (unsigned int j = 0; j < n; ++j)
      for (unsigned int i = 0; i < d; ++i)
        {
          const double h = scale * std::max(1.0, std::abs(points(j, i)));
          all(n + (2 * d) * j + 2 * i, i) += h;
          all(n + (2 * d) * j + 2 * i + 1, i) -= h;
        }
    DenseMatrix G;
    evaluate_rows(all, G);
    set_values(G);
    for (unsigned int j = 0; j < n; ++j)
      for (unsigned int i = 0; i < d; ++i)
        {
          const unsigned int plus = n + (2 * d) * j + 2 * i, minus = plus + 1;
          // the step as it is in floating point
          const double h2 = all(plus, i) - all(minus, i);
          for (unsigned int k = 0; k < K; ++k)
            jacobians[j](k, i) = (G(plus, k) - G(minus, k)) / h2;
        }
  }


  std::string
  ExternalForwardModel::description() const
  {
    return "external command '" + command + "' (d = " + std::to_string(d) +
           ", K = " + std::to_string(K) +
           (jacobian_from_command ? ", its own Jacobian)" :
                                    ", Jacobian by central differences)");
  }


  ExternalForwardModel::Usage
  ExternalForwardModel::usage() const
  {
    return {calls, points_sent, microseconds * 1e-6};
  }


  ExternalForwardModel::Usage
  ExternalForwardModel::total_usage()
  {
    return {total_calls, total_points, total_microseconds * 1e-6};
  }
} // namespace kwfp
