// Where the entries of a cell matrix stand in storage order
// (kwfp::OwnedRowPositions): every located entry (i, j) is the value of
// A(dofs[i], dofs[j]) among storage_order_values(A), and an entry outside
// the pattern is an error. The sums of cell matrices in storage order
// (kwfp::StorageOrderAssembly) equal those of adding everything through
// Trilinos: to the bit without hanging nodes, to round-off with them.

#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/fokker_planck/storage_order_assembly.h>

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

using namespace dealii;

namespace
{
  /// A(i, j) = 1000 i + j on the pattern of a 1-D chain with couplings up
  /// to distance 2 among 10 unknowns.
  TrilinosWrappers::SparseMatrix
  numbered_matrix()
  {
    const unsigned int     n = 10;
    DynamicSparsityPattern dsp(n);
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
        if (i <= j + 2 && j <= i + 2)
          dsp.add(i, j);
    TrilinosWrappers::SparseMatrix A;
    A.reinit(complete_index_set(n), dsp, MPI_COMM_SELF);
    for (auto entry = dsp.begin(); entry != dsp.end(); ++entry)
      A.set(entry->row(),
            entry->column(),
            1000. * entry->row() + entry->column());
    A.compress(VectorOperation::insert);
    return A;
  }
} // namespace


TEST(OwnedRowPositions, LocatesEveryEntryOfACellInStorageOrder)
{
  const TrilinosWrappers::SparseMatrix A      = numbered_matrix();
  const std::vector<double>            stored = kwfp::storage_order_values(A);
  const kwfp::OwnedRowPositions        positions(A.trilinos_matrix());
  EXPECT_EQ(positions.n_values(), stored.size());
  // a "cell" with its unknowns in no particular order
  const std::vector<types::global_dof_index> dofs = {5, 3, 4};
  std::vector<std::int64_t>                  at;
  positions.locate(dofs, at);
  ASSERT_EQ(at.size(), 9u);
  for (unsigned int i = 0; i < 3; ++i)
    for (unsigned int j = 0; j < 3; ++j)
      {
        ASSERT_GE(at[i * 3 + j], 0);
        EXPECT_EQ(stored[at[i * 3 + j]], 1000. * dofs[i] + dofs[j])
          << "entry (" << dofs[i] << ", " << dofs[j] << ")";
      }
}


TEST(OwnedRowPositions, AnEntryOutsideThePatternIsAnError)
{
  const TrilinosWrappers::SparseMatrix A = numbered_matrix();
  const kwfp::OwnedRowPositions        positions(A.trilinos_matrix());
  std::vector<std::int64_t>            at;
  EXPECT_THROW(positions.locate({1, 7}, at), std::exception); // |1 - 7| > 2
}


namespace
{
  /// The sums of cell matrices C_K(i, j) = (cell index + 1) (i + 2 j + 1)
  /// (and the transpose for the second matrix) on a 2-D Q1 mesh, once
  /// through StorageOrderAssembly and once all through Trilinos. With
  /// @p pattern_for_first_only, StorageOrderAssembly's second matrix is
  /// left empty, as the operator's pieces are on one process without
  /// constraints.
  void
  assemble_both_ways(const bool                        refine_one_cell,
                     std::vector<std::vector<double>> &direct,
                     std::vector<std::vector<double>> &through_trilinos,
                     const bool pattern_for_first_only = false)
  {
    Triangulation<2> mesh;
    GridGenerator::hyper_cube(mesh);
    mesh.refine_global(2);
    if (refine_one_cell)
      {
        mesh.begin_active()->set_refine_flag();
        mesh.execute_coarsening_and_refinement();
      }
    const FE_Q<2> fe(1);
    DoFHandler<2> dof_handler(mesh);
    dof_handler.distribute_dofs(fe);
    AffineConstraints<double> constraints;
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    constraints.close();
    DynamicSparsityPattern dsp(dof_handler.n_dofs());
    DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
    const IndexSet all = complete_index_set(dof_handler.n_dofs());
    std::vector<TrilinosWrappers::SparseMatrix> mine(2), theirs(2);
    for (auto *set : {&mine, &theirs})
      for (auto &m : *set)
        if (!(pattern_for_first_only && &m == &mine[1]))
          m.reinit(all, dsp, MPI_COMM_SELF);
    kwfp::StorageOrderAssembly           assembly({&mine[0], &mine[1]},
                                        {false, true},
                                        constraints.n_constraints() > 0);
    const unsigned int                   n = fe.n_dofs_per_cell();
    FullMatrix<double>                   local(n, n), transposed(n, n);
    std::vector<types::global_dof_index> dofs(n);
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        for (unsigned int i = 0; i < n; ++i)
          for (unsigned int j = 0; j < n; ++j)
            local(i, j) =
              (cell->active_cell_index() + 1) * (i + 2. * j + 1) / 7;
        cell->get_dof_indices(dofs);
        assembly.add_cell({&local, &local}, dofs, constraints);
        transposed.copy_transposed(local);
        constraints.distribute_local_to_global(local, dofs, theirs[0]);
        constraints.distribute_local_to_global(transposed, dofs, theirs[1]);
      }
    direct = assembly.finish();
    through_trilinos.clear();
    for (auto &m : theirs)
      {
        m.compress(VectorOperation::add);
        through_trilinos.push_back(kwfp::storage_order_values(m));
      }
  }
} // namespace


TEST(StorageOrderAssembly, WithoutHangingNodesItIsTrilinosToTheBit)
{
  std::vector<std::vector<double>> direct, through_trilinos;
  assemble_both_ways(false, direct, through_trilinos);
  ASSERT_EQ(direct.size(), 2u);
  EXPECT_EQ(direct, through_trilinos);
}


TEST(StorageOrderAssembly, WithHangingNodesItIsTrilinosToRoundOff)
{
  // Rows that cells with and without hanging nodes share are summed in
  // another order: each value within a few roundings of its size.
  std::vector<std::vector<double>> direct, through_trilinos;
  assemble_both_ways(true, direct, through_trilinos);
  ASSERT_EQ(direct.size(), 2u);
  for (unsigned int m = 0; m < 2; ++m)
    {
      ASSERT_EQ(direct[m].size(), through_trilinos[m].size());
      for (std::size_t k = 0; k < direct[m].size(); ++k)
        EXPECT_NEAR(direct[m][k],
                    through_trilinos[m][k],
                    1e-14 * std::abs(through_trilinos[m][k]))
          << "matrix " << m << ", value " << k;
    }
}


TEST(StorageOrderAssembly, WithoutConstraintsOnlyTheFirstMatrixNeedsAPattern)
{
  // The path of the operator's pieces on one process without hanging
  // nodes: no Trilinos matrix but the first.
  std::vector<std::vector<double>> direct, through_trilinos;
  assemble_both_ways(false, direct, through_trilinos, true);
  ASSERT_EQ(direct.size(), 2u);
  EXPECT_EQ(direct, through_trilinos);
}


TEST(StorageOrderAssembly, NothingIsAddedAfterFinish)
{
  Triangulation<2> mesh;
  GridGenerator::hyper_cube(mesh);
  mesh.refine_global(1);
  const FE_Q<2> fe(1);
  DoFHandler<2> dof_handler(mesh);
  dof_handler.distribute_dofs(fe);
  DynamicSparsityPattern dsp(dof_handler.n_dofs());
  DoFTools::make_sparsity_pattern(dof_handler, dsp);
  TrilinosWrappers::SparseMatrix m;
  m.reinit(complete_index_set(dof_handler.n_dofs()), dsp, MPI_COMM_SELF);
  kwfp::StorageOrderAssembly           assembly({&m}, {false}, false);
  const AffineConstraints<double>      none;
  FullMatrix<double>                   local(4, 4);
  std::vector<types::global_dof_index> dofs(4);
  for (unsigned int i = 0; i < 4; ++i)
    for (unsigned int j = 0; j < 4; ++j)
      local(i, j) = 1;
  dof_handler.begin_active()->get_dof_indices(dofs);
  assembly.add_cell({&local}, dofs, none);
  const std::vector<std::vector<double>> sums = assembly.finish();
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(std::accumulate(sums[0].begin(), sums[0].end(), 0.), 16.);
  EXPECT_THROW(assembly.finish(), ExceptionBase);
  EXPECT_THROW(assembly.add_cell({&local}, dofs, none), ExceptionBase);
}
