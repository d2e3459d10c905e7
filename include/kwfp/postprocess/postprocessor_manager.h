#ifndef kwfp_postprocess_postprocessor_manager_h
#define kwfp_postprocess_postprocessor_manager_h

#include <kwfp/postprocess/postprocessor.h>

#include <deal.II/base/exceptions.h>

#include <memory>
#include <vector>

namespace kwfp
{
  /**
   * @brief The postprocessors of a finite-element run, executed, saved and
   * loaded in the order they were added.
   */
  template <int dim>
  class PostprocessorManager
  {
  public:
    /// Add @p postprocessor after those added before.
    void
    add(std::unique_ptr<Postprocessor<dim>> postprocessor)
    {
      Assert(postprocessor != nullptr,
             dealii::ExcMessage("a postprocessor must not be null"));
      postprocessors.push_back(std::move(postprocessor));
    }

    /// Are there none?
    bool
    empty() const
    {
      return postprocessors.empty();
    }

    /// Execute each on @p observation.
    void
    execute(FieldObservation<dim> &observation)
    {
      for (const auto &p : postprocessors)
        p->execute(observation);
    }

    /// Finish each, in order, at the end of the run.
    void
    finish(RunEnd<dim> &end)
    {
      for (const auto &p : postprocessors)
        p->finish(end);
    }

    /// Save each (for the checkpoint of the run).
    void
    save(CheckpointWriter &out) const
    {
      for (const auto &p : postprocessors)
        p->save(out);
    }

    /// Load each (a resumed run).
    void
    load(CheckpointReader &in)
    {
      for (const auto &p : postprocessors)
        p->load(in);
    }

  private:
    std::vector<std::unique_ptr<Postprocessor<dim>>> postprocessors;
  };
} // namespace kwfp

#endif
