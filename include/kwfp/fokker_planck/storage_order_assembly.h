#ifndef kwfp_fokker_planck_storage_order_assembly_h
#define kwfp_fokker_planck_storage_order_assembly_h

#include <deal.II/base/types.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>

#include <cstdint>
#include <vector>

class Epetra_CrsMatrix;

namespace kwfp
{
  /**
   * @brief Where the entries of a cell matrix stand among the values of a
   * Trilinos matrix's locally owned rows in storage order (the order of
   * storage_order_values()), found once for all the matrices of one
   * pattern.
   *
   * The operator assembles M and the pieces P_ab of A(C) (reinit()), and
   * for the flux correction their transposes and the diffusion pieces
   * (assemble_transposed_pieces()), 2 + 3 d (d + 1) / 2 matrices of one
   * pattern. Adding each cell matrix through Trilinos searches every
   * entry's column in its row once per matrix (Epetra's binary search, 12 %
   * of the 3-D banana's run); with these positions it is one search per
   * entry, and the values are summed directly in storage order.
   */
  class OwnedRowPositions
  {
  public:
    /// The rows of @p pattern (filled, its pattern final, so every row's
    /// column indices ascending); it must outlive this object.
    explicit OwnedRowPositions(const Epetra_CrsMatrix &pattern);

    /**
     * @p positions[i n + j], n = @p dofs.size(): the place of the entry
     * (@p dofs[i], @p dofs[j]) in storage order, or -1 for all j when row
     * @p dofs[i] belongs to another process. Throws if an entry of an owned
     * row is not in the pattern.
     */
    void
    locate(const std::vector<dealii::types::global_dof_index> &dofs,
           std::vector<std::int64_t>                          &positions) const;

    /// The number of values of the owned rows.
    std::size_t
    n_values() const
    {
      return row_offset.back();
    }

  private:
    const Epetra_CrsMatrix  *pattern;
    std::vector<std::size_t> row_offset; ///< first value of each owned row
    mutable std::vector<int> columns;    ///< local column indices: work space
  };


  /**
   * @brief The sums of the cell matrices of several Trilinos matrices of one
   * pattern, in storage order (the order of storage_order_values()).
   *
   * A cell without constrained unknowns adds its rows owned by this process
   * directly to the sums (OwnedRowPositions: one search per entry for all
   * the matrices). The rows of other processes, and the cells with
   * constrained unknowns (AffineConstraints::distribute_local_to_global),
   * go through the Trilinos matrices, whose values (zero where nothing was
   * added) finish() adds. On one process without constraints the sums
   * are those of adding everything through Trilinos, to the bit (the same
   * terms in the same order); with constraints, or with rows fed by two or
   * more other processes, rows are summed in another order (round-off).
   * finish() moves the sums out: add_cell() and finish() throw after it.
   */
  class StorageOrderAssembly
  {
  public:
    /**
     * Sums for @p matrices (the first one filled with the pattern; the
     * others too when @p through_trilinos, which must be true if a cell
     * has constrained unknowns or rows of another process); @p transposed
     * says which of them get each cell matrix transposed.
     */
    StorageOrderAssembly(
      const std::vector<dealii::TrilinosWrappers::SparseMatrix *> &matrices,
      const std::vector<bool>                                     &transposed,
      const bool through_trilinos);

    /// Add @p cell_matrices (one for each matrix) of the cell with the
    /// unknowns @p dofs.
    void
    add_cell(
      const std::vector<const dealii::FullMatrix<double> *> &cell_matrices,
      const std::vector<dealii::types::global_dof_index>    &dofs,
      const dealii::AffineConstraints<double>               &constraints);

    /// The sums, one vector of storage-order values for each matrix (the
    /// Trilinos matrices compressed and their values added); call once.
    std::vector<std::vector<double>>
    finish();

  private:
    std::vector<dealii::TrilinosWrappers::SparseMatrix *> matrices;
    std::vector<bool>                                     transposed;
    bool                                                  through_trilinos;
    OwnedRowPositions                                     positions;
    std::vector<std::vector<double>>                      sums;
    bool finished = false; ///< has finish() moved the sums out?
    std::vector<std::int64_t>  cell_positions; ///< work space
    std::vector<double>        row_values;     ///< work space
    dealii::FullMatrix<double> transpose;      ///< work space
  };
} // namespace kwfp

#endif
