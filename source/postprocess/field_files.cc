// The "fields" postprocessor: the ParaView files of a finite-element run.

#include <kwfp/fokker_planck/nodal_interpolation.h>
#include <kwfp/postprocess/field_files.h>

#include <deal.II/base/exceptions.h>

#include <algorithm>
#include <cmath>

namespace kwfp
{
  using namespace dealii;


  template <int dim>
  FieldFiles<dim>::FieldFiles(const PostprocessorSettings &settings)
    : settings(settings)
  {}


  template <int dim>
  void
  FieldFiles<dim>::start()
  {
    output = std::make_unique<FieldOutput<dim>>(settings.output_directory,
                                                settings.compression,
                                                settings.communicator);
    if (resumed)
      {
        output->resume(*resumed);
        n_continued = resumed->size();
        resumed.reset();
      }
  }


  template <int dim>
  void
  FieldFiles<dim>::write_fields(const FieldObservation<dim> &observation)
  {
    if (settings.output_interval == 0 && !observation.last_good_state)
      return;
    Assert(output != nullptr, ExcMessage("write_fields() before start()"));
    Assert(observation.dof_handler != nullptr &&
             observation.density != nullptr &&
             observation.stationary_density != nullptr,
           ExcMessage("a FieldObservation without mesh or density"));
    const DoFHandler<dim>               &dof_handler = *observation.dof_handler;
    const TrilinosWrappers::MPI::Vector &density     = *observation.density;
    const IndexSet                owned_dofs = density.locally_owned_elements();
    TrilinosWrappers::MPI::Vector owned(owned_dofs, settings.communicator);
    // with the ghost entries of the density
    TrilinosWrappers::MPI::Vector log10_density(density);
    // log10 with a floor of 1e-20, so that the far tails and round-off
    // around zero stay visible on a log scale.
    for (const auto i : owned_dofs)
      owned[i] = std::log10(std::max(static_cast<double>(density[i]), 1e-20));
    owned.compress(VectorOperation::insert);
    log10_density = owned;

    std::vector<std::pair<std::string, const TrilinosWrappers::MPI::Vector *>>
      fields{{"density", &density},
             {"log10_density", &log10_density},
             {"stationary_density", observation.stationary_density}};

    TrilinosWrappers::MPI::Vector exact;
    TrilinosWrappers::MPI::Vector error;
    if (observation.exact)
      {
        const Gaussian &g = *observation.exact;
        exact.reinit(density);
        error.reinit(density);
        interpolate_scalar(
          dof_handler,
          [&g](const ArrayView<const double> &u) { return g.density(u); },
          owned);
        exact = owned;
        for (const auto i : owned_dofs) // rho_h - rho_exact
          owned[i] = density[i] - owned[i];
        owned.compress(VectorOperation::insert);
        error = owned;
        fields.emplace_back("exact_density", &exact);
        fields.emplace_back("error", &error);
      }
    fields.insert(fields.end(),
                  observation.nodal_fields.begin(),
                  observation.nodal_fields.end());
    output->write(dof_handler,
                  fields,
                  observation.time,
                  observation.cell_fields);
    if (!observation.interrupted)
      n_continued = output->written().size();
  }


  template <int dim>
  void
  FieldFiles<dim>::save(CheckpointWriter &out) const
  {
    Assert(output != nullptr, ExcMessage("save() before start()"));
    const auto &written = output->written();
    out.io(std::vector<std::pair<double, std::string>>(
      written.begin(),
      written.begin() + std::min(n_continued, written.size())));
  }


  template <int dim>
  void
  FieldFiles<dim>::load(CheckpointReader &in)
  {
    resumed.emplace();
    in.io(*resumed);
  }


  template class FieldFiles<1>;
  template class FieldFiles<2>;
  template class FieldFiles<3>;
} // namespace kwfp
