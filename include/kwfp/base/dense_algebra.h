#ifndef kwfp_base_dense_algebra_h
#define kwfp_base_dense_algebra_h

#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <string>
#include <utility>
#include <vector>

/**
 * @file
 * Small dense d x d linear algebra used by the potentials, the Gaussian
 * closed form and the parameter checks: parsing, symmetry and positive
 * definiteness, Cholesky factors, inverses and log-determinants.
 */
namespace kwfp
{
  /// Dense matrices (covariances, Hessians, ensembles).
  using DenseMatrix = dealii::FullMatrix<double>;
  /// Dense vectors (means, gradients, data).
  using DenseVector = dealii::Vector<double>;

  /**
   * Parse a comma separated list of numbers such as "1, -0.5". Throws
   * InputError naming @p parameter when an entry is not a finite number or
   * when @p expected_size is non-zero and the count differs.
   */
  std::vector<double>
  parse_vector(const std::string &text,
               const std::string &parameter,
               const unsigned int expected_size = 0);

  /**
   * Parse a matrix written row by row, rows separated by ';' and entries by
   * ',' ("0.5, 0.2; 0.2, 0.8"). Throws InputError naming @p parameter when it
   * is ragged, not finite, or not of the expected size (0 = any).
   */
  DenseMatrix
  parse_matrix(const std::string &text,
               const std::string &parameter,
               const unsigned int expected_rows    = 0,
               const unsigned int expected_columns = 0);

  /**
   * Throw InputError naming @p parameter unless @p A is square, symmetric to
   * 1e-12 relative and positive definite (its Cholesky factorization exists).
   */
  void
  check_symmetric_positive_definite(const DenseMatrix &A,
                                    const std::string &parameter);

  /// parse_matrix() of a @p size x @p size matrix, then
  /// check_symmetric_positive_definite() (a covariance in a parameter file).
  DenseMatrix
  parse_spd_matrix(const std::string &text,
                   const std::string &parameter,
                   const unsigned int size);

  /**
   * Lower triangular Cholesky factor L with A = L L^T; throws
   * std::domain_error if @p A is not positive definite.
   */
  DenseMatrix
  cholesky_factor(const DenseMatrix &A);

  /// Inverse of a symmetric positive definite matrix (through Cholesky).
  DenseMatrix
  spd_inverse(const DenseMatrix &A);

  /// ln det A for a symmetric positive definite matrix.
  double
  spd_log_determinant(const DenseMatrix &A);

  /**
   * The symmetric square root S = V diag(sqrt(s)) V^T of a symmetric positive
   * semi-definite matrix A = V diag(s) V^T (from the SVD, LAPACK).
   */
  DenseMatrix
  symmetric_square_root(const DenseMatrix &A);

  /// The smallest and largest eigenvalue of a symmetric positive
  /// semi-definite matrix (its singular values, LAPACK).
  std::pair<double, double>
  eigenvalue_range(const DenseMatrix &A);

  /// The identity matrix of size @p n.
  DenseMatrix
  identity_matrix(const unsigned int n);

  /// Convert a std::vector to a deal.II vector.
  DenseVector
  to_dense_vector(const std::vector<double> &v);

  /// Frobenius norm of A - B.
  double
  frobenius_distance(const DenseMatrix &A, const DenseMatrix &B);

  /// Write a matrix in the same notation parse_matrix() reads.
  std::string
  format_matrix(const DenseMatrix &A);

  /// Write a point as "(p_1, p_2, ...)" for messages.
  std::string
  format_point(const std::vector<double> &p);
} // namespace kwfp

#endif
