#include <kwfp/forward_model/elliptic_forward_model.h>
#include <kwfp/forward_model/forward_model_factory.h>

#include <stdexcept>

namespace kwfp
{
  namespace forward_model_registry
  {
    namespace
    {
      struct Entry
      {
        std::string         description;
        ForwardModelCreator creator;
      };

      /// The registry, with the built-in models (registered here rather
      /// than by static objects, which a static library may drop).
      std::map<std::string, Entry> &
      entries()
      {
        static std::map<std::string, Entry> registry{
          {"elliptic-1d",
           {"the elliptic problem (5.2)-(5.3) of Garbuno-Inigo et al. "
            "(2020): G(u) = (p(x_1), .., p(x_K)), p(x) = u_2 x + "
            "exp(-u_1) (x - x^2)/2, x_k = 'Observation points' in (0, 1); "
            "d = 2",
            [](const ForwardModelSettings &s) {
              return std::make_shared<EllipticForwardModel>(
                s.dimension, s.observation_points);
            }}}};
        return registry;
      }

      /// The clashes of add() not yet taken.
      std::vector<std::string> &
      errors()
      {
        static std::vector<std::string> list;
        return list;
      }
    } // namespace


    bool
    add(const std::string        &name,
        const std::string        &description,
        const ForwardModelCreator creator)
    {
      if (name.empty() || name == "linear" || name == "expression" ||
          name == "external" || entries().count(name))
        {
          errors().push_back("the forward model name '" + name +
                             "' is empty or taken");
          return false;
        }
      entries()[name] = Entry{description, creator};
      return true;
    }


    bool
    has(const std::string &name)
    {
      return entries().count(name) > 0;
    }


    std::shared_ptr<const ForwardModel>
    create(const std::string &name, const ForwardModelSettings &settings)
    {
      const auto it = entries().find(name);
      if (it == entries().end())
        throw std::logic_error("forward model '" + name +
                               "' is not registered");
      return it->second.creator(settings);
    }


    std::vector<std::string>
    list()
    {
      std::vector<std::string> names;
      for (const auto &[name, entry] : entries())
        names.push_back(name + ": " + entry.description);
      return names;
    }


    std::vector<std::string>
    take_errors()
    {
      std::vector<std::string> taken;
      taken.swap(errors());
      return taken;
    }
  } // namespace forward_model_registry
} // namespace kwfp
