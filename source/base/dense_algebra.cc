#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/errors.h>

#include <deal.II/lac/lapack_full_matrix.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace kwfp
{
  namespace
  {
    std::string
    trim(const std::string &s)
    {
      const auto begin = s.find_first_not_of(" \t\n\r");
      if (begin == std::string::npos)
        return "";
      const auto end = s.find_last_not_of(" \t\n\r");
      return s.substr(begin, end - begin + 1);
    }

    std::vector<std::string>
    split(const std::string &s, const char separator)
    {
      std::vector<std::string> parts;
      std::string              current;
      for (const char c : s)
        if (c == separator)
          {
            parts.push_back(trim(current));
            current.clear();
          }
        else
          current += c;
      parts.push_back(trim(current));
      return parts;
    }
  } // namespace


  std::vector<double>
  parse_vector(const std::string &text,
               const std::string &parameter,
               const unsigned int expected_size)
  {
    std::vector<double> values;
    if (!trim(text).empty())
      for (const std::string &entry : split(text, ','))
        {
          // strtod, not stod: a subnormal such as 1e-320 is a number
          // (stod throws out_of_range for it); overflow gives inf below
          char        *end      = nullptr;
          const double value    = std::strtod(entry.c_str(), &end);
          const auto   consumed = static_cast<std::size_t>(end - entry.c_str());
          if (entry.empty() || consumed != entry.size())
            throw InputError(parameter,
                             "'" + entry + "' is not a number (in '" + text +
                               "')");
          if (!std::isfinite(value))
            throw InputError(parameter,
                             "'" + entry + "' is not a finite number");
          values.push_back(value);
        }
    if (expected_size != 0 && values.size() != expected_size)
      throw InputError(parameter,
                       "expected " + std::to_string(expected_size) +
                         " entries, found " + std::to_string(values.size()) +
                         " in '" + text + "'");
    return values;
  }


  DenseMatrix
  parse_matrix(const std::string &text,
               const std::string &parameter,
               const unsigned int expected_rows,
               const unsigned int expected_columns)
  {
    const std::vector<std::string>   rows = split(text, ';');
    std::vector<std::vector<double>> entries;
    for (const std::string &row : rows)
      entries.push_back(parse_vector(row, parameter));
    const std::size_t n_columns = entries.empty() ? 0 : entries[0].size();
    if (n_columns == 0)
      throw InputError(parameter,
                       "a matrix is needed, rows separated by ';' and entries "
                       "by ',' (e.g. '1, 0; 0, 1'), found '" +
                         text + "'");
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (entries[i].size() != n_columns)
        throw InputError(parameter,
                         "row " + std::to_string(i + 1) + " has " +
                           std::to_string(entries[i].size()) +
                           " entries but row 1 has " +
                           std::to_string(n_columns));
    if ((expected_rows != 0 && entries.size() != expected_rows) ||
        (expected_columns != 0 && n_columns != expected_columns))
      {
        const std::string rows_text = std::to_string(expected_rows) +
                                      (expected_rows == 1 ? " row" : " rows");
        const std::string columns_text =
          std::to_string(expected_columns) +
          (expected_columns == 1 ? " column" : " columns");
        const std::string expected =
          expected_rows && expected_columns ?
            std::to_string(expected_rows) + " x " +
              std::to_string(expected_columns) + " matrix" :
          expected_rows ? "matrix with " + rows_text :
                          "matrix with " + columns_text;
        throw InputError(parameter,
                         "expected a " + expected + ", found " +
                           std::to_string(entries.size()) + " x " +
                           std::to_string(n_columns));
      }
    DenseMatrix A(entries.size(), n_columns);
    for (unsigned int i = 0; i < A.m(); ++i)
      for (unsigned int j = 0; j < A.n(); ++j)
        A(i, j) = entries[i][j];
    return A;
  }


  DenseMatrix
  cholesky_factor(const DenseMatrix &A)
  {
    AssertDimension(A.m(), A.n());
    const unsigned int n = A.m();
    DenseMatrix        L(n, n);
    for (unsigned int j = 0; j < n; ++j)
      {
        double diagonal = A(j, j);
        for (unsigned int k = 0; k < j; ++k)
          diagonal -= L(j, k) * L(j, k);
        if (!(diagonal > 0))
          throw std::domain_error("matrix is not positive definite");
        L(j, j) = std::sqrt(diagonal);
        for (unsigned int i = j + 1; i < n; ++i)
          {
            double s = A(i, j);
            for (unsigned int k = 0; k < j; ++k)
              s -= L(i, k) * L(j, k);
            L(i, j) = s / L(j, j);
          }
      }
    return L;
  }


  void
  check_symmetric_positive_definite(const DenseMatrix &A,
                                    const std::string &parameter)
  {
    if (A.m() != A.n())
      throw InputError(parameter, "a covariance must be a square matrix");
    const double scale = A.linfty_norm();
    for (unsigned int i = 0; i < A.m(); ++i)
      for (unsigned int j = 0; j < i; ++j)
        if (std::abs(A(i, j) - A(j, i)) > 1e-12 * scale)
          throw InputError(parameter,
                           "matrix is not symmetric: entry (" +
                             std::to_string(i + 1) + "," +
                             std::to_string(j + 1) + ") differs from (" +
                             std::to_string(j + 1) + "," +
                             std::to_string(i + 1) + ")");
    try
      {
        cholesky_factor(A);
      }
    catch (const std::domain_error &)
      {
        throw InputError(parameter,
                         "matrix '" + format_matrix(A) +
                           "' is not positive definite");
      }
  }


  DenseMatrix
  parse_spd_matrix(const std::string &text,
                   const std::string &parameter,
                   const unsigned int size)
  {
    const DenseMatrix A = parse_matrix(text, parameter, size, size);
    check_symmetric_positive_definite(A, parameter);
    return A;
  }


  DenseMatrix
  spd_inverse(const DenseMatrix &A)
  {
    const unsigned int n = A.m();
    const DenseMatrix  L = cholesky_factor(A);
    // Solve L L^T X = I column by column.
    DenseMatrix X(n, n);
    for (unsigned int c = 0; c < n; ++c)
      {
        std::vector<double> y(n);
        for (unsigned int i = 0; i < n; ++i)
          {
            double s = (i == c) ? 1.0 : 0.0;
            for (unsigned int k = 0; k < i; ++k)
              s -= L(i, k) * y[k];
            y[i] = s / L(i, i);
          }
        for (int i = n - 1; i >= 0; --i)
          {
            double s = y[i];
            for (unsigned int k = i + 1; k < n; ++k)
              s -= L(k, i) * X(k, c);
            X(i, c) = s / L(i, i);
          }
      }
    // Symmetrize against round-off.
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < i; ++j)
        X(i, j) = X(j, i) = 0.5 * (X(i, j) + X(j, i));
    return X;
  }


  double
  spd_log_determinant(const DenseMatrix &A)
  {
    const DenseMatrix L = cholesky_factor(A);
    double            s = 0;
    for (unsigned int i = 0; i < L.m(); ++i)
      s += 2 * std::log(L(i, i));
    return s;
  }


  DenseMatrix
  symmetric_square_root(const DenseMatrix &A)
  {
    AssertDimension(A.m(), A.n());
    const unsigned int               d = A.m();
    dealii::LAPACKFullMatrix<double> svd(d, d);
    svd = A;
    svd.compute_svd();
    const auto &V = svd.get_svd_u();
    DenseMatrix S(d, d);
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int k = 0; k < d; ++k)
        {
          double s = 0;
          for (unsigned int l = 0; l < d; ++l)
            s += V(i, l) * std::sqrt(svd.singular_value(l)) * V(k, l);
          S(i, k) = s;
        }
    return S;
  }


  std::pair<double, double>
  eigenvalue_range(const DenseMatrix &A)
  {
    const unsigned int               d = A.m();
    dealii::LAPACKFullMatrix<double> svd(d, d);
    svd = A;
    svd.compute_svd();
    return {svd.singular_value(d - 1), svd.singular_value(0)};
  }


  DenseMatrix
  identity_matrix(const unsigned int n)
  {
    DenseMatrix I(n, n);
    for (unsigned int i = 0; i < n; ++i)
      I(i, i) = 1;
    return I;
  }


  DenseVector
  to_dense_vector(const std::vector<double> &v)
  {
    return DenseVector(v.begin(), v.end());
  }


  double
  frobenius_distance(const DenseMatrix &A, const DenseMatrix &B)
  {
    double s = 0;
    for (unsigned int i = 0; i < A.m(); ++i)
      for (unsigned int j = 0; j < A.n(); ++j)
        s += (A(i, j) - B(i, j)) * (A(i, j) - B(i, j));
    return std::sqrt(s);
  }


  std::string
  format_matrix(const DenseMatrix &A)
  {
    std::ostringstream out;
    out.precision(6);
    for (unsigned int i = 0; i < A.m(); ++i)
      {
        if (i > 0)
          out << "; ";
        for (unsigned int j = 0; j < A.n(); ++j)
          out << (j > 0 ? ", " : "") << A(i, j);
      }
    return out.str();
  }


  std::string
  format_point(const std::vector<double> &p)
  {
    std::ostringstream s;
    s << "(";
    for (unsigned int a = 0; a < p.size(); ++a)
      s << (a ? ", " : "") << p[a];
    return s.str() + ")";
  }
} // namespace kwfp
