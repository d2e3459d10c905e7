// A forward model as a plugin library, built out of tree against an
// installed kwfp (CMakeLists.txt here; doc/external_forward_model.md):
//
//   cmake --install BUILD --prefix PREFIX
//   cmake -S examples/plugin -B plugin-build -DCMAKE_PREFIX_PATH=PREFIX
//   cmake --build plugin-build
//
// and, in the parameter file,
//
//   set Additional shared libraries = plugin-build/tutorial_map.so
//   subsection Potential
//     subsection Inverse problem
//       set Forward model = tutorial-map
//
// The model is the tutorial's (prm/tutorial_nonlinear_2d.prm, there as
// muparser expressions): G(u) = (u_1 + u_2^2/4, exp(u_2/2)), d = 2, K = 2,
// here with its exact Jacobian in place of central differences.

#include <kwfp/base/errors.h>
#include <kwfp/forward_model/forward_model_factory.h>

#include <cmath>

namespace
{
  class TutorialMap : public kwfp::ForwardModel
  {
  public:
    unsigned int
    dimension() const override
    {
      return 2;
    }

    unsigned int
    n_data() const override
    {
      return 2;
    }

    void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const override
    {
      G[0] = u[0] + u[1] * u[1] / 4;
      G[1] = std::exp(u[1] / 2);
    }

    // Optional: without it kwfp uses central differences of evaluate().
    kwfp::DenseMatrix
    jacobian(const dealii::ArrayView<const double> &u) const override
    {
      kwfp::DenseMatrix J(2, 2);
      J(0, 0) = 1;
      J(0, 1) = u[1] / 2;
      J(1, 0) = 0;
      J(1, 1) = std::exp(u[1] / 2) / 2;
      return J;
    }

    std::string
    description() const override
    {
      return "tutorial map (u_1 + u_2^2/4, exp(u_2/2)) from a plugin";
    }
  };
} // namespace

KWFP_REGISTER_FORWARD_MODEL(
  "tutorial-map",
  "(u_1 + u_2^2/4, exp(u_2/2)), the map of prm/tutorial_nonlinear_2d.prm, "
  "with its exact Jacobian; d = 2 (examples/plugin/)",
  [](const kwfp::ForwardModelSettings &s)
    -> std::shared_ptr<const kwfp::ForwardModel> {
    if (s.dimension != 2)
      throw kwfp::InputError("Dimension", "tutorial-map has two unknowns");
    return std::make_shared<TutorialMap>();
  })
