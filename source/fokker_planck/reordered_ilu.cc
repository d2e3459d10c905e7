#include <kwfp/fokker_planck/reordered_ilu.h>

#include <deal.II/base/exceptions.h>

#include <Ifpack_AdditiveSchwarz.h>
#include <Ifpack_ILU.h>
#include <Ifpack_Preconditioner.h>
#include <Teuchos_ParameterList.hpp>
#include <Teuchos_RCP.hpp>

namespace kwfp
{
  void
  ReorderedIlu::initialize(
    const dealii::TrilinosWrappers::SparseMatrix &new_matrix,
    const unsigned int                            fill_level)
  {
    reset();
    // Additive Schwarz also on one process, without overlap (Ifpack's
    // factory gives the bare ILU there, which does not reorder).
    Teuchos::RCP<Ifpack_Preconditioner> p =
      Teuchos::rcp(new Ifpack_AdditiveSchwarz<Ifpack_ILU>(
        const_cast<Epetra_CrsMatrix *>(&new_matrix.trilinos_matrix()), 0));
    Teuchos::ParameterList list;
    list.set("fact: level-of-fill", static_cast<int>(fill_level));
    list.set("fact: absolute threshold", 0.);
    list.set("fact: relative threshold", 1.);
    list.set("schwarz: combine mode", "Add");
    list.set("schwarz: reordering type", "rcm");
    AssertThrow(p->SetParameters(list) == 0,
                dealii::ExcMessage("Ifpack rejected the ILU parameters"));
    AssertThrow(p->Initialize() == 0,
                dealii::ExcMessage("the symbolic ILU factorization failed"));
    preconditioner = p;
    ilu            = p.get();
    matrix         = &new_matrix;
    n_rows         = new_matrix.trilinos_matrix().NumMyRows();
    n_entries      = new_matrix.trilinos_matrix().NumMyNonzeros();
    refactor();
  }


  bool
  ReorderedIlu::is_for(const dealii::TrilinosWrappers::SparseMatrix &m) const
  {
    return ilu != nullptr && matrix == &m &&
           m.trilinos_matrix().NumMyRows() == n_rows &&
           m.trilinos_matrix().NumMyNonzeros() == n_entries;
  }


  void
  ReorderedIlu::refactor()
  {
    Assert(ilu != nullptr, dealii::ExcMessage("initialize() was not called"));
    Assert(is_for(*matrix),
           dealii::ExcMessage("the matrix changed its pattern since "
                              "initialize()"));
    AssertThrow(ilu->Compute() == 0,
                dealii::ExcMessage("the ILU factorization failed (a zero "
                                   "pivot?)"));
  }


  void
  ReorderedIlu::reset()
  {
    dealii::TrilinosWrappers::PreconditionBase::clear();
    ilu       = nullptr;
    matrix    = nullptr;
    n_rows    = 0;
    n_entries = 0;
  }
} // namespace kwfp
