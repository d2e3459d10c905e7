#include <kwfp/base/named_registry.h>
#include <kwfp/forward_model/elliptic_forward_model.h>
#include <kwfp/forward_model/forward_model_factory.h>

namespace kwfp
{
  namespace forward_model_registry
  {
    namespace
    {
      /// The registry, with the built-in models (registered here rather
      /// than by static objects, which a static library may drop).
      NamedRegistry<ForwardModelCreator> &
      registry()
      {
        static NamedRegistry<ForwardModelCreator> r(
          "forward model",
          {{"elliptic-1d",
            {"the elliptic problem (5.2)-(5.3) of Garbuno-Inigo et al. "
             "(2020): G(u) = (p(x_1), .., p(x_K)), p(x) = u_2 x + "
             "exp(-u_1) (x - x^2)/2, x_k = 'Observation points' in (0, 1); "
             "d = 2",
             [](const ForwardModelSettings &s) {
               return std::make_shared<EllipticForwardModel>(
                 s.dimension, s.observation_points);
             }}}},
          {"linear", "expression", "external"});
        return r;
      }
    } // namespace


    bool
    add(const std::string        &name,
        const std::string        &description,
        const ForwardModelCreator creator)
    {
      return registry().add(name, description, creator);
    }


    bool
    has(const std::string &name)
    {
      return registry().has(name);
    }


    std::shared_ptr<const ForwardModel>
    create(const std::string &name, const ForwardModelSettings &settings)
    {
      return registry().creator(name)(settings);
    }


    std::vector<std::string>
    list()
    {
      return registry().list();
    }


    std::vector<std::string>
    take_errors()
    {
      return registry().take_errors();
    }
  } // namespace forward_model_registry
} // namespace kwfp
