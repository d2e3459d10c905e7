// ILU(k) in reverse Cuthill-McKee order (ReorderedIlu): with fill enough
// for the whole band it is the exact LU factorization, so GMRES converges
// in one iteration, in whatever order the unknowns were numbered; refactor()
// follows new values of the same pattern; and in RCM order ILU(0) needs
// fewer iterations than ILU(0) in a scrambled numbering.

#include <kwfp/fokker_planck/reordered_ilu.h>

#include <deal.II/base/index_set.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
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
