#ifndef kwfp_fokker_planck_reordered_ilu_h
#define kwfp_fokker_planck_reordered_ilu_h

#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>

class Ifpack_Preconditioner;

namespace kwfp
{
  /**
   * @brief ILU(k) of a Trilinos matrix, per process (additive Schwarz
   * without overlap), with each process's rows in reverse Cuthill-McKee
   * order (Ifpack's "schwarz: reordering type" = "rcm").
   *
   * The ordering decides how good an incomplete factorization is: on the
   * step matrices of (4.1), deal.II's cell-wise numbering gives ILU(0)
   * factors that need several times the GMRES iterations of the same
   * factorization in RCM order (doc/performance.md). The symbolic part
   * (ordering, fill pattern) is done once per matrix pattern by
   * initialize(); refactor() recomputes the numerical factors from the
   * matrix's current values, which is what a new time step needs.
   */
  class ReorderedIlu : public dealii::TrilinosWrappers::PreconditionBase
  {
  public:
    /**
     * Order, analyse and factor @p matrix with fill level @p fill_level.
     * @p matrix must outlive this object or the next initialize(); its
     * values may change in place between refactor() calls, its pattern may
     * not.
     */
    void
    initialize(const dealii::TrilinosWrappers::SparseMatrix &matrix,
               const unsigned int                            fill_level = 0);

    /// Factor the matrix of initialize() again from its current values.
    void
    refactor();

    /// Is there a factorization?
    bool
    initialized() const
    {
      return ilu != nullptr;
    }

    /**
     * Was @p m the matrix of initialize(), with the same number of rows and
     * entries on this process (so that refactor() applies)? A matrix given
     * a new pattern must still be initialize()d anew: reset() at a new mesh.
     */
    bool
    is_for(const dealii::TrilinosWrappers::SparseMatrix &m) const;

    /// Drop the factorization (and forget the matrix).
    void
    reset();

  private:
    /// The factorization; owned by PreconditionBase::preconditioner.
    Ifpack_Preconditioner                        *ilu    = nullptr;
    const dealii::TrilinosWrappers::SparseMatrix *matrix = nullptr;
    /// Local rows and entries of the matrix at initialize().
    int n_rows = 0, n_entries = 0;
  };
} // namespace kwfp

#endif
