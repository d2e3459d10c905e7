#ifndef kwfp_base_named_registry_h
#define kwfp_base_named_registry_h

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief Creators of one kind of object (forward models, postprocessors)
   * by name, with a description each: the built-in ones given at
   * construction, more added at program start by static registration
   * objects, also from plugin libraries inside dlopen(). add() never throws
   * there: a taken name is recorded for take_errors(), which the caller
   * turns into an input error.
   */
  template <class Creator>
  class NamedRegistry
  {
  public:
    /// A name's description and creator.
    struct Entry
    {
      std::string description; ///< one line for messages and lists
      Creator     creator;     ///< builds one
    };

    /// @p kind names the objects in messages ("forward model");
    /// @p reserved are names handled elsewhere that add() refuses.
    NamedRegistry(std::string                  kind,
                  std::map<std::string, Entry> built_in,
                  std::set<std::string>        reserved = {})
      : kind(std::move(kind))
      , entries(std::move(built_in))
      , reserved(std::move(reserved))
    {}

    /// Register @p creator under @p name; false (and the clash recorded)
    /// when the name is empty or taken.
    bool
    add(const std::string &name,
        const std::string &description,
        const Creator     &creator)
    {
      if (name.empty() || reserved.count(name) || entries.count(name))
        {
          errors.push_back("the " + kind + " name '" + name +
                           "' is empty or taken");
          return false;
        }
      entries[name] = Entry{description, creator};
      return true;
    }

    /// Whether @p name is registered.
    bool
    has(const std::string &name) const
    {
      return entries.count(name) > 0;
    }

    /// The creator of @p name; std::logic_error when it is not registered
    /// (callers check has() while reading the parameters).
    const Creator &
    creator(const std::string &name) const
    {
      const auto it = entries.find(name);
      if (it == entries.end())
        throw std::logic_error(kind + " '" + name + "' is not registered");
      return it->second.creator;
    }

    /// "name: description" of every entry, sorted by name.
    std::vector<std::string>
    list() const
    {
      std::vector<std::string> names;
      for (const auto &[name, entry] : entries)
        names.push_back(name + ": " + entry.description);
      return names;
    }

    /// The clashes add() recorded since the last call, and forget them.
    std::vector<std::string>
    take_errors()
    {
      std::vector<std::string> taken;
      taken.swap(errors);
      return taken;
    }

  private:
    std::string                  kind;
    std::map<std::string, Entry> entries;
    std::set<std::string>        reserved;
    std::vector<std::string>     errors;
  };
} // namespace kwfp

#endif
