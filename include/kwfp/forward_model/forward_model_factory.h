#ifndef kwfp_forward_model_forward_model_factory_h
#define kwfp_forward_model_forward_model_factory_h

#include <kwfp/forward_model/forward_model.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kwfp
{
  /// What a registered forward model is built from (subsection
  /// 'Potential/Inverse problem').
  struct ForwardModelSettings
  {
    /// d, from 'Dimension'.
    unsigned int dimension = 0;
    /// 'Observation points' (e.g. x_k of the elliptic model).
    std::vector<double> observation_points;
    /// 'Constants' ("a=1, b=2").
    std::map<std::string, double> constants;
  };

  /// Builds a forward model; throws InputError naming the parameter that
  /// does not fit (e.g. "Potential/Inverse problem/Observation points").
  using ForwardModelCreator = std::function<std::shared_ptr<const ForwardModel>(
    const ForwardModelSettings &)>;

  /**
   * @brief The forward models that 'Potential/Inverse problem/Forward model'
   * can name besides 'linear' and 'expression'.
   *
   * To add one: write a ForwardModel in one file and end it with
   * KWFP_REGISTER_FORWARD_MODEL("name", "what it is", creator). Put the
   * file under source/forward_model/user/ (compiled into the kwfp
   * executable; source/forward_model/user/exponential_decay.cc is a
   * complete example) or build it out of tree as a plugin library that
   * 'Additional shared libraries' loads (examples/plugin/).
   */
  namespace forward_model_registry
  {
    /// Register @p creator under @p name; returns true. When the name is
    /// taken, records the clash for take_errors() and returns false (it
    /// never throws: it runs in static initializers, also inside dlopen()).
    bool
    add(const std::string        &name,
        const std::string        &description,
        const ForwardModelCreator creator);

    /// Whether @p name is registered.
    bool
    has(const std::string &name);

    /// Build the model @p name (registered) from @p settings.
    std::shared_ptr<const ForwardModel>
    create(const std::string &name, const ForwardModelSettings &settings);

    /// "name: description" of every registered model, sorted by name.
    std::vector<std::string>
    list();

    /// The clashes add() recorded since the last call, and forget them.
    std::vector<std::string>
    take_errors();
  } // namespace forward_model_registry
} // namespace kwfp

/// Register a forward model at program start (see forward_model_registry).
#define KWFP_REGISTER_FORWARD_MODEL(name, description, creator)      \
  namespace                                                          \
  {                                                                  \
    const bool kwfp_forward_model_registered =                       \
      kwfp::forward_model_registry::add(name, description, creator); \
  }

#endif
