#include <kwfp/base/epetra_values.h>
#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/reordered_ilu.h>

#include <deal.II/base/exceptions.h>

#include <Ifpack_AdditiveSchwarz.h>
#include <Ifpack_ILU.h>
#include <Ifpack_LocalFilter.h>
#include <Ifpack_Preconditioner.h>
#include <Ifpack_RCMReordering.h>
#include <Teuchos_ParameterList.hpp>
#include <Teuchos_RCP.hpp>

#include <string>

namespace kwfp
{
  namespace
  {
    /// Ifpack's reverse Cuthill-McKee order of the local block of @p m (as
    /// its additive Schwarz with "schwarz: reordering type" = "rcm" uses
    /// it): the new number of each local row.
    std::vector<int>
    rcm_order(const Epetra_CrsMatrix &m)
    {
      const Teuchos::RCP<const Epetra_RowMatrix> matrix =
        Teuchos::rcp(&m, false);
      const Ifpack_LocalFilter local(matrix);
      Ifpack_RCMReordering     reordering;
      AssertThrow(reordering.Compute(local) == 0,
                  dealii::ExcMessage("Ifpack's RCM ordering failed"));
      std::vector<int> new_of_old(m.NumMyRows());
      for (int r = 0; r < m.NumMyRows(); ++r)
        new_of_old[r] = reordering.Reorder(r);
      return new_of_old;
    }
  } // namespace


  void
  ReorderedIlu::initialize(
    const dealii::TrilinosWrappers::SparseMatrix &new_matrix,
    const unsigned int                            fill_level)
  {
    reset();
    try
      {
        const Epetra_CrsMatrix &e = new_matrix.trilinos_matrix();
        if (fill_level == 0)
          own_ilu0.analyse(e, rcm_order(e));
        else
          {
            // Additive Schwarz also on one process, without overlap
            // (Ifpack's factory gives the bare ILU there, which does not
            // reorder).
            Teuchos::RCP<Ifpack_Preconditioner> p =
              Teuchos::rcp(new Ifpack_AdditiveSchwarz<Ifpack_ILU>(
                const_cast<Epetra_CrsMatrix *>(&e), 0));
            Teuchos::ParameterList list;
            list.set("fact: level-of-fill", static_cast<int>(fill_level));
            list.set("fact: absolute threshold", 0.);
            list.set("fact: relative threshold", 1.);
            list.set("schwarz: combine mode", "Add");
            list.set("schwarz: reordering type", "rcm");
            AssertThrow(p->SetParameters(list) == 0,
                        dealii::ExcMessage(
                          "Ifpack rejected the ILU parameters"));
            AssertThrow(p->Initialize() == 0,
                        dealii::ExcMessage(
                          "the symbolic ILU factorization failed"));
            preconditioner = p;
            ilu            = p.get();
          }
        matrix    = &new_matrix;
        n_rows    = e.NumMyRows();
        n_entries = e.NumMyNonzeros();
        refactor();
      }
    catch (...)
      {
        reset(); // no half-made factorization stays behind
        throw;
      }
  }


  bool
  ReorderedIlu::is_for(const dealii::TrilinosWrappers::SparseMatrix &m) const
  {
    return initialized() && matrix == &m &&
           m.trilinos_matrix().NumMyRows() == n_rows &&
           m.trilinos_matrix().NumMyNonzeros() == n_entries;
  }


  void
  ReorderedIlu::refactor()
  {
    Assert(initialized(), dealii::ExcMessage("initialize() was not called"));
    Assert(is_for(*matrix),
           dealii::ExcMessage("the matrix changed its pattern since "
                              "initialize()"));
    const Epetra_CrsMatrix &e = matrix->trilinos_matrix();
    if (ilu == nullptr)
      {
        const int row = own_ilu0.factor(e);
        if (row >= 0)
          {
            const long long global_row = e.RowMap().GID64(row);
            reset(); // the factors are incomplete
            // as a solver failure: the step's fallbacks (the low-order
            // preconditioner, the direct solver) take over
            throw RunFailure("ILU(0) has a zero or non-finite pivot in "
                             "row " +
                             std::to_string(global_row));
          }
        return;
      }
    AssertThrow(ilu->Compute() == 0,
                dealii::ExcMessage("the ILU factorization failed (a zero "
                                   "pivot?)"));
  }


  void
  ReorderedIlu::vmult(dealii::TrilinosWrappers::MPI::Vector       &dst,
                      const dealii::TrilinosWrappers::MPI::Vector &src) const
  {
    AssertThrow(initialized(),
                dealii::ExcMessage("ReorderedIlu: no factorization (a failed "
                                   "initialize() or refactor()?)"));
    if (ilu != nullptr)
      {
        PreconditionBase::vmult(dst, src);
        return;
      }
    AssertDimension(src.locally_owned_size(),
                    static_cast<std::size_t>(own_ilu0.n_rows()));
    AssertDimension(dst.locally_owned_size(),
                    static_cast<std::size_t>(own_ilu0.n_rows()));
    own_ilu0.apply(epetra_values(src), epetra_values(dst));
  }


  void
  ReorderedIlu::Tvmult(dealii::TrilinosWrappers::MPI::Vector       &dst,
                       const dealii::TrilinosWrappers::MPI::Vector &src) const
  {
    AssertThrow(ilu != nullptr,
                dealii::ExcMessage("ReorderedIlu: the transpose of kwfp's "
                                   "ILU(0) is not implemented"));
    PreconditionBase::Tvmult(dst, src);
  }


  void
  ReorderedIlu::reset()
  {
    dealii::TrilinosWrappers::PreconditionBase::clear();
    own_ilu0  = LocalIlu0();
    ilu       = nullptr;
    matrix    = nullptr;
    n_rows    = 0;
    n_entries = 0;
  }
} // namespace kwfp
