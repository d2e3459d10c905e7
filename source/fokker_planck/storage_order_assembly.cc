#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/fokker_planck/storage_order_assembly.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/lac/trilinos_index_access.h>

#include <Epetra_CrsMatrix.h>
#include <Epetra_Map.h>

#include <algorithm>
#include <string>
#include <utility>

namespace kwfp
{
  OwnedRowPositions::OwnedRowPositions(const Epetra_CrsMatrix &pattern)
    : pattern(&pattern)
  {
    AssertThrow(pattern.Filled(),
                dealii::ExcMessage("OwnedRowPositions: the pattern is not "
                                   "final (FillComplete)"));
    row_offset.assign(1, 0);
    for (int row = 0; row < pattern.NumMyRows(); ++row)
      {
        int  length;
        int *row_columns;
        pattern.Graph().ExtractMyRowView(row, length, row_columns);
        row_offset.push_back(row_offset.back() + length);
        // FillComplete() sorts every row's local column indices
        AssertThrow(std::is_sorted(row_columns, row_columns + length),
                    dealii::ExcMessage("OwnedRowPositions: the column "
                                       "indices of a row are not sorted"));
      }
  }


  void
  OwnedRowPositions::locate(
    const std::vector<dealii::types::global_dof_index> &dofs,
    std::vector<std::int64_t>                          &positions) const
  {
    const std::size_t n = dofs.size();
    positions.assign(n * n, -1);
    std::vector<int> &local_columns = columns;
    local_columns.resize(n);
    const Epetra_Map &row_map    = pattern->RowMap();
    const Epetra_Map &column_map = pattern->ColMap();
    for (std::size_t j = 0; j < n; ++j)
      local_columns[j] = column_map.LID(
        static_cast<dealii::TrilinosWrappers::types::int_type>(dofs[j]));
    for (std::size_t i = 0; i < n; ++i)
      {
        const int row = row_map.LID(
          static_cast<dealii::TrilinosWrappers::types::int_type>(dofs[i]));
        if (row < 0)
          continue;
        int  length;
        int *row_columns;
        pattern->Graph().ExtractMyRowView(row, length, row_columns);
        for (std::size_t j = 0; j < n; ++j)
          {
            int *const       end = row_columns + length;
            const int *const at =
              std::lower_bound(row_columns, end, local_columns[j]);
            AssertThrow(
              local_columns[j] >= 0 && at != end && *at == local_columns[j],
              dealii::ExcMessage("OwnedRowPositions: the entry (" +
                                 std::to_string(dofs[i]) + ", " +
                                 std::to_string(dofs[j]) +
                                 ") of a cell is not in the pattern"));
            positions[i * n + j] =
              static_cast<std::int64_t>(row_offset[row] + (at - row_columns));
          }
      }
  }


  StorageOrderAssembly::StorageOrderAssembly(
    const std::vector<dealii::TrilinosWrappers::SparseMatrix *> &matrices,
    const std::vector<bool>                                     &transposed,
    const bool through_trilinos)
    : matrices(matrices)
    , transposed(transposed)
    , through_trilinos(through_trilinos)
    , positions(matrices.at(0)->trilinos_matrix())
    , sums(matrices.size())
  {
    AssertThrow(transposed.size() == matrices.size(),
                dealii::ExcMessage("StorageOrderAssembly: one flag for each "
                                   "matrix"));
    for (auto &v : sums)
      v.resize(positions.n_values()); // zeros, each touched once
  }


  void
  StorageOrderAssembly::add_cell(
    const std::vector<const dealii::FullMatrix<double> *> &cell_matrices,
    const std::vector<dealii::types::global_dof_index>    &dofs,
    const dealii::AffineConstraints<double>               &constraints)
  {
    AssertThrow(!finished,
                dealii::ExcMessage("StorageOrderAssembly: add_cell() after "
                                   "finish()"));
    AssertDimension(cell_matrices.size(), matrices.size());
    const std::size_t n = dofs.size();
    if (std::any_of(dofs.begin(), dofs.end(), [&](const auto i) {
          return constraints.is_constrained(i);
        }))
      {
        AssertThrow(through_trilinos,
                    dealii::ExcMessage("StorageOrderAssembly: a cell with "
                                       "constrained unknowns, but no Trilinos "
                                       "matrices"));
        for (std::size_t m = 0; m < matrices.size(); ++m)
          {
            const dealii::FullMatrix<double> *local = cell_matrices[m];
            if (transposed[m])
              {
                transpose.reinit(n, n);
                transpose.copy_transposed(*local);
                local = &transpose;
              }
            constraints.distribute_local_to_global(*local, dofs, *matrices[m]);
          }
        return;
      }
    positions.locate(dofs, cell_positions);
    row_values.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t m = 0; m < matrices.size(); ++m)
        {
          const dealii::FullMatrix<double> &local = *cell_matrices[m];
          if (cell_positions[i * n] < 0) // a row of another process
            {
              AssertThrow(through_trilinos,
                          dealii::ExcMessage(
                            "StorageOrderAssembly: a row of another "
                            "process, but no Trilinos matrices"));
              for (std::size_t j = 0; j < n; ++j)
                row_values[j] = transposed[m] ? local(j, i) : local(i, j);
              matrices[m]->add(
                dofs[i], n, dofs.data(), row_values.data(), false);
            }
          else if (transposed[m])
            for (std::size_t j = 0; j < n; ++j)
              sums[m][cell_positions[i * n + j]] += local(j, i);
          else
            for (std::size_t j = 0; j < n; ++j)
              sums[m][cell_positions[i * n + j]] += local(i, j);
        }
  }


  std::vector<std::vector<double>>
  StorageOrderAssembly::finish()
  {
    AssertThrow(!finished,
                dealii::ExcMessage("StorageOrderAssembly: finish() twice"));
    finished = true;
    if (through_trilinos)
      for (std::size_t m = 0; m < matrices.size(); ++m)
        {
          matrices[m]->compress(dealii::VectorOperation::add);
          const std::vector<double> added = storage_order_values(*matrices[m]);
          AssertThrow(added.size() == sums[m].size(),
                      dealii::ExcMessage("matrices of different patterns"));
          for (std::size_t k = 0; k < added.size(); ++k)
            sums[m][k] += added[k];
        }
    return std::move(sums);
  }
} // namespace kwfp
