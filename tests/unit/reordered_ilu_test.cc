// ILU(k) in reverse Cuthill-McKee order (ReorderedIlu): with fill enough
// for the whole band it is the exact LU factorization, so GMRES converges
// in one iteration, in whatever order the unknowns were numbered; refactor()
// follows new values of the same pattern; and in RCM order ILU(0) needs
// fewer iterations than ILU(0) in a scrambled numbering. kwfp's own ILU(0)
// (LocalIlu0) is Ifpack's ILU(0) in the same order to round-off, exact
// where the pattern has no fill, refactored like a fresh factorization,
// and stops at a zero pivot.

#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/reordered_ilu.h>

#include <deal.II/base/index_set.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>

#include <Ifpack_AdditiveSchwarz.h>
#include <Ifpack_ILU.h>
#include <Teuchos_ParameterList.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace
{
  using namespace dealii;
  using Matrix = TrilinosWrappers::SparseMatrix;
  using Vector = TrilinosWrappers::MPI::Vector;

  /// The values of convection_diffusion() in @p A (which has its pattern).
  void
  set_values(Matrix                          &A,
             const unsigned int               n,
             const double                     drift,
             const std::vector<unsigned int> &number)
  {
    const auto   id = [&](int i, int j) { return number[i * n + j]; };
    const double bx = drift, by = drift / 2;
    for (int i = 0; i < int(n); ++i)
      for (int j = 0; j < int(n); ++j)
        {
          A.set(id(i, j), id(i, j), 4.1 + bx + by);
          if (i > 0)
            A.set(id(i, j), id(i - 1, j), -1 - bx);
          if (i + 1 < int(n))
            A.set(id(i, j), id(i + 1, j), -1);
          if (j > 0)
            A.set(id(i, j), id(i, j - 1), -1 - by);
          if (j + 1 < int(n))
            A.set(id(i, j), id(i, j + 1), -1);
        }
    A.compress(VectorOperation::insert);
  }


  /**
   * The 5-point convection-diffusion matrix -Laplace u + b . grad u + c u
   * (upwind convection, b = (@p drift, @p drift / 2)) on an n x n grid,
   * unknown (i, j) numbered number[i n + j].
   */
  Matrix
  convection_diffusion(const unsigned int               n,
                       const double                     drift,
                       const std::vector<unsigned int> &number)
  {
    const unsigned int     N = n * n;
    DynamicSparsityPattern dsp(N);
    const auto             id = [&](int i, int j) { return number[i * n + j]; };
    for (int i = 0; i < int(n); ++i)
      for (int j = 0; j < int(n); ++j)
        {
          dsp.add(id(i, j), id(i, j));
          if (i > 0)
            dsp.add(id(i, j), id(i - 1, j));
          if (i + 1 < int(n))
            dsp.add(id(i, j), id(i + 1, j));
          if (j > 0)
            dsp.add(id(i, j), id(i, j - 1));
          if (j + 1 < int(n))
            dsp.add(id(i, j), id(i, j + 1));
        }
    Matrix A;
    A.reinit(complete_index_set(N), dsp, MPI_COMM_SELF);
    set_values(A, n, drift, number);
    return A;
  }

  std::vector<unsigned int>
  scrambled(const unsigned int N)
  {
    std::vector<unsigned int> p(N);
    std::iota(p.begin(), p.end(), 0u);
    std::shuffle(p.begin(), p.end(), std::mt19937(7));
    return p;
  }

  /// The tridiagonal matrix of -u'' + @p drift u' + u on n points.
  Matrix
  tridiagonal(const unsigned int n, const double drift)
  {
    DynamicSparsityPattern dsp(n);
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = (i > 0 ? i - 1 : 0); j <= std::min(i + 1, n - 1);
           ++j)
        dsp.add(i, j);
    Matrix A;
    A.reinit(complete_index_set(n), dsp, MPI_COMM_SELF);
    for (unsigned int i = 0; i < n; ++i)
      {
        A.set(i, i, 3 + drift);
        if (i > 0)
          A.set(i, i - 1, -1 - drift);
        if (i + 1 < n)
          A.set(i, i + 1, -1);
      }
    A.compress(VectorOperation::insert);
    return A;
  }

  /// P^{-1} v for v_i = sin(i + 1).
  template <class Preconditioner>
  std::vector<double>
  applied(const Preconditioner &P, const unsigned int N)
  {
    Vector v(complete_index_set(N), MPI_COMM_SELF), w(v);
    for (unsigned int i = 0; i < N; ++i)
      v[i] = std::sin(i + 1.);
    P.vmult(w, v);
    return std::vector<double>(w.begin(), w.end());
  }

  /// GMRES iterations to a relative residual of 1e-10 on A x = 1.
  template <class Preconditioner>
  unsigned int
  iterations(const Matrix &A, const Preconditioner &P)
  {
    Vector b(complete_index_set(A.m()), MPI_COMM_SELF), x(b);
    b = 1.;
    SolverControl       control(500, 1e-10 * b.l2_norm());
    SolverGMRES<Vector> gmres(control,
                              SolverGMRES<Vector>::AdditionalData(100, true));
    gmres.solve(A, x, b, P);
    return control.last_step();
  }
} // namespace


TEST(ReorderedIlu, FullFillIsExactInAnyNumbering)
{
  const unsigned int n = 6;
  const Matrix       A = convection_diffusion(n, 2., scrambled(n * n));
  kwfp::ReorderedIlu ilu;
  ilu.initialize(A, 40); // fill beyond the band: no entry dropped
  EXPECT_TRUE(ilu.is_for(A));
  EXPECT_EQ(iterations(A, ilu), 1u);
}


TEST(ReorderedIlu, RefactorFollowsNewValues)
{
  const unsigned int n      = 6;
  const auto         number = scrambled(n * n);
  Matrix             A      = convection_diffusion(n, 2., number);
  kwfp::ReorderedIlu ilu;
  ilu.initialize(A, 40);
  // The same pattern with other values (stronger drift).
  set_values(A, n, 8., number);
  EXPECT_GT(iterations(A, ilu), 1u); // the factors of the old values
  ASSERT_TRUE(ilu.is_for(A));
  ilu.refactor();
  EXPECT_EQ(iterations(A, ilu), 1u);
}


TEST(ReorderedIlu, ReverseCuthillMcKeeBeatsAScrambledNumbering)
{
  const unsigned int n = 40;
  const Matrix       A = convection_diffusion(n, 4., scrambled(n * n));
  kwfp::ReorderedIlu reordered;
  reordered.initialize(A, 0);
  TrilinosWrappers::PreconditionILU plain;
  plain.initialize(A);
  const unsigned int with_rcm = iterations(A, reordered);
  const unsigned int without  = iterations(A, plain);
  EXPECT_LT(with_rcm, without);
}


TEST(ReorderedIlu, OwnIlu0IsIfpacksIlu0InTheSameOrder)
{
  // The same factorization in exact arithmetic; in floating point the two
  // differ by the order of the updates of each entry (a few per entry here,
  // each rounding at 1.1e-16 relative, amplified by the triangular solves
  // of this diagonally dominant matrix by a factor of order 1).
  const unsigned int n = 30;
  const Matrix       A = convection_diffusion(n, 3., scrambled(n * n));
  kwfp::ReorderedIlu own;
  own.initialize(A, 0);
  Ifpack_AdditiveSchwarz<Ifpack_ILU> ifpack(
    const_cast<Epetra_CrsMatrix *>(&A.trilinos_matrix()), 0);
  Teuchos::ParameterList list;
  list.set("fact: level-of-fill", 0);
  list.set("fact: absolute threshold", 0.);
  list.set("fact: relative threshold", 1.);
  list.set("schwarz: combine mode", "Add");
  list.set("schwarz: reordering type", "rcm");
  ASSERT_EQ(ifpack.SetParameters(list), 0);
  ASSERT_EQ(ifpack.Initialize(), 0);
  ASSERT_EQ(ifpack.Compute(), 0);
  const std::vector<double>     x = applied(own, n * n);
  TrilinosWrappers::MPI::Vector v(complete_index_set(n * n), MPI_COMM_SELF);
  TrilinosWrappers::MPI::Vector w(v);
  for (unsigned int i = 0; i < n * n; ++i)
    v[i] = std::sin(i + 1.);
  ASSERT_EQ(ifpack.ApplyInverse(v.trilinos_vector(), w.trilinos_vector()), 0);
  double largest = 0, difference = 0;
  for (unsigned int i = 0; i < n * n; ++i)
    {
      largest    = std::max(largest, std::abs(w[i]));
      difference = std::max(difference, std::abs(w[i] - x[i]));
    }
  EXPECT_LE(difference, 1e-14 * largest);
  // and in RCM order it beats a plain ILU(0)
  TrilinosWrappers::PreconditionILU plain;
  plain.initialize(A);
  EXPECT_LT(iterations(A, own), iterations(A, plain));
}


TEST(ReorderedIlu, OwnIlu0IsExactWithoutFill)
{
  // A tridiagonal matrix stays tridiagonal in RCM order: its LU factors
  // have no entry outside its pattern, so ILU(0) is its LU factorization.
  const Matrix       A = tridiagonal(50, 2.);
  kwfp::ReorderedIlu ilu;
  ilu.initialize(A, 0);
  EXPECT_EQ(iterations(A, ilu), 1u);
}


TEST(ReorderedIlu, OwnIlu0RefactorsAsAFreshFactorization)
{
  const unsigned int n      = 12;
  const auto         number = scrambled(n * n);
  Matrix             A      = convection_diffusion(n, 2., number);
  kwfp::ReorderedIlu refactored;
  refactored.initialize(A, 0);
  const std::vector<double> before = applied(refactored, n * n);
  set_values(A, n, 8., number);
  ASSERT_TRUE(refactored.is_for(A));
  EXPECT_EQ(applied(refactored, n * n), before); // the old factors
  refactored.refactor();
  kwfp::ReorderedIlu fresh;
  fresh.initialize(A, 0);
  const std::vector<double> after = applied(refactored, n * n);
  EXPECT_NE(after, before);
  EXPECT_EQ(after, applied(fresh, n * n)); // to the bit
}


TEST(ReorderedIlu, OwnIlu0StopsAtAZeroPivot)
{
  // [[0, 1], [1, 0]] in any order has a zero first pivot: a RunFailure
  // (the solver's fallbacks catch it) that names the row, and no
  // factorization left; the same pattern with a nonzero diagonal then
  // factors.
  DynamicSparsityPattern dsp(2);
  for (unsigned int i = 0; i < 2; ++i)
    for (unsigned int j = 0; j < 2; ++j)
      dsp.add(i, j);
  Matrix A;
  A.reinit(complete_index_set(2), dsp, MPI_COMM_SELF);
  A.set(0, 1, 1.);
  A.set(1, 0, 1.);
  A.compress(VectorOperation::insert);
  kwfp::ReorderedIlu ilu;
  try
    {
      ilu.initialize(A, 0);
      FAIL() << "no exception at a zero pivot";
    }
  catch (const kwfp::RunFailure &e)
    {
      EXPECT_NE(std::string(e.what()).find("pivot in row"), std::string::npos)
        << e.what();
    }
  EXPECT_FALSE(ilu.initialized());
  EXPECT_FALSE(ilu.is_for(A));
  A.set(0, 0, 2.);
  A.set(1, 1, 2.);
  A.compress(VectorOperation::insert);
  ilu.initialize(A, 0);
  EXPECT_EQ(iterations(A, ilu), 1u); // 2 x 2: no fill, exact
}
