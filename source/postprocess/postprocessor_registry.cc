#include <kwfp/postprocess/diagnostics_file.h>
#include <kwfp/postprocess/end_of_run_files.h>
#include <kwfp/postprocess/field_files.h>
#include <kwfp/postprocess/postprocessor_registry.h>

namespace kwfp
{
  NamedRegistry<PostprocessorCreator> &
  postprocessor_registry()
  {
    // The built-in postprocessors are registered here rather than by static
    // objects, which a static library may drop.
    static NamedRegistry<PostprocessorCreator> registry(
      "postprocessor",
      {{"diagnostics",
        {"diagnostics.csv: a row per 'Output/Diagnostics interval' steps "
         "(mass, moments, KL, I_C, errors against a closed form)",
         creator_of<DiagnosticsFile>()}},
       {"fields",
        {"solution-NNNNN.pvtu/.vtu and solution.pvd: the density and its "
         "fields for ParaView every 'Output/Interval' steps (none with 0)",
         creator_of<FieldFiles>()}},
       {"posterior",
        {"posterior.csv: mass, mean and covariance of exp(-Phi_R)/Z by "
         "quadrature on the final mesh",
         creator_of<PosteriorQuadrature>()}},
       {"final density",
        {"density_final.csv: the final nodal density at the support points",
         creator_of<FinalDensity>()}},
       {"KL decay",
        {"kl_decay.csv: dKL/dt against -I_C and the fitted decay rate",
         creator_of<KlDecayFit>()}}});
    return registry;
  }


  template <int dim>
  std::unique_ptr<Postprocessor<dim>>
  create_postprocessor(const std::string           &name,
                       const PostprocessorSettings &settings)
  {
    const PostprocessorCreator &c = postprocessor_registry().creator(name);
    if constexpr (dim == 1)
      return c.d1(settings);
    else if constexpr (dim == 2)
      return c.d2(settings);
    else
      return c.d3(settings);
  }


  template std::unique_ptr<Postprocessor<1>>
  create_postprocessor<1>(const std::string &, const PostprocessorSettings &);
  template std::unique_ptr<Postprocessor<2>>
  create_postprocessor<2>(const std::string &, const PostprocessorSettings &);
  template std::unique_ptr<Postprocessor<3>>
  create_postprocessor<3>(const std::string &, const PostprocessorSettings &);
} // namespace kwfp
