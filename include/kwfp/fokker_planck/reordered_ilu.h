#ifndef kwfp_fokker_planck_reordered_ilu_h
#define kwfp_fokker_planck_reordered_ilu_h

#include <kwfp/fokker_planck/local_ilu0.h>

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
   * matrix's current values, which is what a new time step needs. ILU(0)
   * (fill level 0, the default) is kwfp's own LocalIlu0 in Ifpack's RCM
   * order: the same factorization, computed 2.3-3.7 times faster
   * (doc/performance.md); it has vmult() on Trilinos vectors only (what
   * GMRES calls). ILU(k), k > 0, is Ifpack's. A zero or non-finite pivot
   * of ILU(0) throws RunFailure (the solver's fallbacks take over) and
   * leaves the object empty, as any failed initialize() does.
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

    /// Factor the matrix of initialize() again from its current values
    /// (a failure leaves the object empty).
    void
    refactor();

    /// Is there a factorization (also of a process without rows)?
    bool
    initialized() const
    {
      return matrix != nullptr;
    }

    /// @p dst = the factorization's inverse applied to @p src (GMRES's
    /// preconditioning).
    void
    vmult(dealii::TrilinosWrappers::MPI::Vector       &dst,
          const dealii::TrilinosWrappers::MPI::Vector &src) const override;

    /// The transpose: Ifpack's ILU(k > 0) only (GMRES does not call it).
    void
    Tvmult(dealii::TrilinosWrappers::MPI::Vector       &dst,
           const dealii::TrilinosWrappers::MPI::Vector &src) const override;

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
    /// ILU(k > 0): the factorization; owned by
    /// PreconditionBase::preconditioner.
    Ifpack_Preconditioner *ilu = nullptr;
    /// ILU(0): the factorization.
    LocalIlu0                                     own_ilu0;
    const dealii::TrilinosWrappers::SparseMatrix *matrix = nullptr;
    /// Local rows and entries of the matrix at initialize().
    int n_rows = 0, n_entries = 0;
  };
} // namespace kwfp

#endif
