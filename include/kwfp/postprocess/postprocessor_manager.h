#ifndef kwfp_postprocess_postprocessor_manager_h
#define kwfp_postprocess_postprocessor_manager_h

#include <kwfp/postprocess/postprocessor.h>

#include <deal.II/base/exceptions.h>

#include <algorithm>
#include <memory>
#include <string>
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

    /// Is there one called @p name?
    bool
    has(const std::string &name) const
    {
      return find(name) != nullptr;
    }

    /// Start each (the outputs are ready or the checkpoint is read).
    void
    start()
    {
      for (const auto &p : postprocessors)
        p->start();
    }

    /// Hand @p row to each.
    void
    record(const DiagnosticsRow &row)
    {
      for (const auto &p : postprocessors)
        p->record(row);
    }

    /// Execute each on @p observation.
    void
    execute(FieldObservation<dim> &observation)
    {
      for (const auto &p : postprocessors)
        p->execute(observation);
    }

    /// Let each write the fields of @p observation (after execute()).
    void
    write_fields(const FieldObservation<dim> &observation)
    {
      for (const auto &p : postprocessors)
        p->write_fields(observation);
    }

    /// Finish each, in order, at the end of the run.
    void
    finish(RunEnd<dim> &end)
    {
      for (const auto &p : postprocessors)
        p->finish(end);
    }

    /// Save each, in order, but those called one of @p saved_elsewhere
    /// (for the checkpoint of the run, which holds those at their own
    /// place: save_one()).
    void
    save(CheckpointWriter               &out,
         const std::vector<std::string> &saved_elsewhere = {}) const
    {
      for (const auto &p : postprocessors)
        if (!listed(p->name(), saved_elsewhere))
          p->save(out);
    }

    /// Load what save() wrote, with the same @p saved_elsewhere.
    void
    load(CheckpointReader               &in,
         const std::vector<std::string> &saved_elsewhere = {})
    {
      for (const auto &p : postprocessors)
        if (!listed(p->name(), saved_elsewhere))
          p->load(in);
    }

    /// Save the one called @p name, if there is one (nothing otherwise).
    void
    save_one(CheckpointWriter &out, const std::string &name) const
    {
      if (const Postprocessor<dim> *p = find(name))
        p->save(out);
    }

    /// Load what save_one() wrote.
    void
    load_one(CheckpointReader &in, const std::string &name)
    {
      if (Postprocessor<dim> *p = find(name))
        p->load(in);
    }

  private:
    /// The first called @p name, or nullptr.
    Postprocessor<dim> *
    find(const std::string &name) const
    {
      for (const auto &p : postprocessors)
        if (p->name() == name)
          return p.get();
      return nullptr;
    }

    /// Is @p name in @p names?
    static bool
    listed(const std::string &name, const std::vector<std::string> &names)
    {
      return std::find(names.begin(), names.end(), name) != names.end();
    }

    std::vector<std::unique_ptr<Postprocessor<dim>>> postprocessors;
  };
} // namespace kwfp

#endif
