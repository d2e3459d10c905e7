#include <kwfp/base/ghost_exchange.h>

#include <deal.II/base/exceptions.h>

namespace kwfp
{
  void
  GhostExchange::reinit(const dealii::TrilinosWrappers::MPI::Vector &owned,
                        const dealii::TrilinosWrappers::MPI::Vector &ghosted)
  {
    plan = std::make_unique<Epetra_Import>(ghosted.trilinos_vector().Map(),
                                           owned.trilinos_vector().Map());
  }


  void
  GhostExchange::update(const dealii::TrilinosWrappers::MPI::Vector &owned,
                        dealii::TrilinosWrappers::MPI::Vector &ghosted) const
  {
    Assert(plan != nullptr, dealii::ExcMessage("reinit() was not called"));
    Assert(owned.trilinos_vector().Map().SameAs(plan->SourceMap()),
           dealii::ExcMessage("the owned vector has another layout"));
    Assert(ghosted.trilinos_vector().Map().SameAs(plan->TargetMap()),
           dealii::ExcMessage("the ghosted vector has another layout"));
    AssertThrow(ghosted.trilinos_vector().Import(owned.trilinos_vector(),
                                                 *plan,
                                                 Insert) == 0,
                dealii::ExcMessage("the ghost exchange failed"));
  }
} // namespace kwfp
