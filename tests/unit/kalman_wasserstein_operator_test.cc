// The pieces of the operator A(C) of (4.1) that only the flux correction
// needs (kwfp::KalmanWassersteinOperator::assemble_transposed_pieces()):
// they exist only once asked for, the values of A(C)^T are those of A(C)
// with rows and columns exchanged, to the bit, and the diffusion part K(C)
// is A(C) itself when grad Phi_R = 0 (the drift term vanishes).

#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/potential/expression_potential.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/affine_constraints.h>

#include <Epetra_CrsMatrix.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

using namespace dealii;

namespace
{
  /// Q2 on 4 x 4 cells of [-2, 2]^2, one of them refined once more when
  /// @p hanging_nodes; the operator for @p potential with the flux
  /// correction's pieces prepared but not assembled.
  struct OperatorOnAMesh
  {
    OperatorOnAMesh(const kwfp::Potential &potential, const bool hanging_nodes)
      : fe(2)
      , dof_handler(mesh)
    {
      GridGenerator::subdivided_hyper_cube(mesh, 4, -2, 2);
      if (hanging_nodes)
        {
          mesh.begin_active()->set_refine_flag();
          mesh.execute_coarsening_and_refinement();
        }
      dof_handler.distribute_dofs(fe);
      DoFTools::make_hanging_node_constraints(dof_handler, constraints);
      constraints.close();
      op.reinit(
        dof_handler, constraints, potential, QGauss<2>(4), MPI_COMM_SELF, true);
    }

    Triangulation<2>                   mesh;
    FE_Q<2>                            fe;
    DoFHandler<2>                      dof_handler;
    AffineConstraints<double>          constraints;
    kwfp::KalmanWassersteinOperator<2> op;
  };

  /// The storage position of every entry (i, j) of the operator's pattern.
  std::map<std::pair<int, int>, std::size_t>
  storage_positions(const kwfp::KalmanWassersteinOperator<2> &op)
  {
    const Epetra_CrsMatrix &e = op.mass_matrix().trilinos_matrix();
    std::map<std::pair<int, int>, std::size_t> at;
    std::size_t                                k = 0;
    for (int row = 0; row < e.NumMyRows(); ++row)
      {
        int     n;
        double *values;
        int    *columns;
        e.ExtractMyRowView(row, n, values, columns);
        for (int c = 0; c < n; ++c, ++k)
          at[{e.RowMap().GID(row), e.ColMap().GID(columns[c])}] = k;
      }
    return at;
  }

  kwfp::DenseMatrix
  diffusion_matrix()
  {
    kwfp::DenseMatrix C(2, 2);
    C(0, 0) = 1.3;
    C(0, 1) = C(1, 0) = 0.4;
    C(1, 1)           = 0.7;
    return C;
  }

  /// A(C)^T(i, j) == A(C)(j, i) for every entry whose row and column are
  /// not constrained (constrained rows are zero in both): exactly without
  /// hanging nodes; with them the cell matrices are condensed through
  /// Trilinos, which sums the entries of a row of P_ab^T in another order
  /// than those of the column of P_ab (a few units of round-off of the
  /// largest entry allowed: 1e-14).
  void
  check_transposed_values(const bool hanging_nodes)
  {
    const kwfp::ExpressionPotential potential(
      2,
      "x^2/2 + (y - x^2/2)^2",
      "x - 2*x*(y - x^2/2); 2*(y - x^2/2)",
      {},
      "Potential/Expression");
    OperatorOnAMesh mesh(potential, hanging_nodes);
    EXPECT_EQ(mesh.constraints.n_constraints() > 0, hanging_nodes);
    const auto          at = storage_positions(mesh.op);
    const std::size_t   n  = at.size();
    std::vector<double> A(n), AT(n);

    EXPECT_FALSE(mesh.op.has_transposed_pieces());
    EXPECT_THROW(
      mesh.op.operator_values(diffusion_matrix(), 0, n, A.data(), AT.data()),
      std::exception);
    mesh.op.assemble_transposed_pieces(mesh.dof_handler, mesh.constraints);
    EXPECT_TRUE(mesh.op.has_transposed_pieces());
    mesh.op.operator_values(diffusion_matrix(), 0, n, A.data(), AT.data());

    double largest = 0;
    for (const double a : A)
      largest = std::max(largest, std::abs(a));
    unsigned int compared = 0, nonzero = 0, zero_rows = 0;
    for (const auto &[entry, k] : at)
      {
        const auto [i, j] = entry;
        if (mesh.constraints.is_constrained(i))
          {
            // rows of hanging nodes are zero in every piece
            ASSERT_EQ(A[k], 0.);
            ASSERT_EQ(AT[k], 0.);
            ++zero_rows;
            continue;
          }
        if (mesh.constraints.is_constrained(j))
          continue;
        if (hanging_nodes)
          {
            ASSERT_NEAR(AT[k], A[at.at({j, i})], 1e-14 * largest)
              << "entry (" << i << ", " << j << ")";
          }
        else
          {
            ASSERT_EQ(AT[k], A[at.at({j, i})])
              << "entry (" << i << ", " << j << ")";
          }
        ++compared;
        nonzero += A[k] != 0;
      }
    // the drift makes A(C) non-symmetric: the comparison is not vacuous
    unsigned int asymmetric = 0;
    for (const auto &[entry, k] : at)
      asymmetric += A[k] != A[at.at({entry.second, entry.first})];
    EXPECT_EQ(zero_rows > 0, hanging_nodes);
    EXPECT_GT(compared, n / 2);
    EXPECT_GT(nonzero, compared / 2);
    EXPECT_GT(asymmetric, n / 4);
  }
} // namespace


TEST(KalmanWassersteinOperator, TransposedPiecesAreAssembledOnlyWhenAsked)
{
  check_transposed_values(false);
}


TEST(KalmanWassersteinOperator, TransposedPiecesWithHangingNodes)
{
  check_transposed_values(true);
}


TEST(KalmanWassersteinOperator, DiffusionPiecesAreTheOperatorForAFlatPotential)
{
  // grad Phi_R = 0: F_j = grad phi_j, so P_ab = K_ab term by term (the same
  // products, the symmetric ones added in the other order), to the bit.
  const kwfp::ExpressionPotential flat(
    2, "0", "0; 0", {}, "Potential/Expression");
  OperatorOnAMesh mesh(flat, true);
  mesh.op.assemble_transposed_pieces(mesh.dof_handler, mesh.constraints);
  const auto          at = storage_positions(mesh.op);
  const std::size_t   n  = at.size();
  std::vector<double> A(n), AT(n), K;
  mesh.op.operator_values(diffusion_matrix(), 0, n, A.data(), AT.data());
  mesh.op.diffusion_values(diffusion_matrix(), K);
  ASSERT_EQ(K.size(), n);
  unsigned int nonzero = 0;
  for (std::size_t k = 0; k < n; ++k)
    {
      ASSERT_EQ(K[k], A[k]) << "storage position " << k;
      nonzero += K[k] != 0;
    }
  EXPECT_GT(nonzero, n / 2);
}
